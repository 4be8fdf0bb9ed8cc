// Prometheus's HTTP API as checks read it: one GET that unwraps the `{status, data}` envelope and
// turns an error answer into a throw naming Prometheus's own errorType, plus the few calls the
// metrics checks share (an instant query, the active scrape targets, every known metric name).

interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}

export interface ActiveTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export class Prom {
  readonly base: string;
  private readonly signal: AbortSignal | undefined;

  constructor(base: string, signal?: AbortSignal) {
    this.base = base;
    this.signal = signal;
  }

  async get<T>(p: string, params: Record<string, string> = {}): Promise<T> {
    const url = new URL(p, this.base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const signals = [AbortSignal.timeout(10_000), ...(this.signal ? [this.signal] : [])];
    const res = await fetch(url, { signal: AbortSignal.any(signals) });
    const body = (await res.json().catch(() => undefined)) as PromResponse<T> | undefined;
    if (!body) throw new Error(`${url.pathname}: HTTP ${res.status} without a JSON body`);
    if (body.status !== 'success')
      throw new Error(`${body.errorType ?? 'error'}: ${body.error ?? `HTTP ${res.status}`}`);
    return body.data;
  }

  query(expr: string) {
    return this.get<{ resultType: string; result: unknown[] }>('/api/v1/query', { query: expr });
  }

  targets() {
    return this.get<{ activeTargets: ActiveTarget[] }>('/api/v1/targets', { state: 'active' });
  }

  /** Every metric name Prometheus knows: series names plus names with scraped metadata (no series yet). */
  async knownMetrics(): Promise<Set<string>> {
    const names = await this.get<string[]>('/api/v1/label/__name__/values');
    const meta = await this.get<Record<string, unknown>>('/api/v1/metadata').catch(() => ({}));
    // ALERTS / ALERTS_FOR_STATE are Prometheus's own series; they exist only while an alert is active.
    return new Set([...names, ...Object.keys(meta), 'ALERTS', 'ALERTS_FOR_STATE']);
  }
}
