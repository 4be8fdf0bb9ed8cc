// Probes checks share: an HTTP call that reports status instead of throwing for it, a poll
// that waits for a condition without a bare sleep, and Grafana's login from the settings.

export interface HttpResult {
  status: number;
  text: string;
  ms: number;
}

/** GET/POST with a timeout; never throws for an HTTP status, only for a network failure. */
export async function http(
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<HttpResult> {
  const t0 = performance.now();
  const res = await fetch(url, {
    ...init,
    signal: init.signal ?? AbortSignal.timeout(init.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t0 };
}

/** Calls `fn` until it returns a value or `timeoutMs` passes (then undefined); a throw counts as "not yet". */
export async function poll<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Grafana basic auth from settings when a password is set (kube-prometheus-stack has no anonymous
 * access); an empty GRAFANA_ADMIN_USER is Grafana's default, `admin`, as settings.ts documents.
 */
export function grafanaHeaders(env: Readonly<Record<string, string>>): Record<string, string> {
  const user = env.GRAFANA_ADMIN_USER || 'admin';
  const pass = env.GRAFANA_ADMIN_PASSWORD;
  return pass ? { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` } : {};
}
