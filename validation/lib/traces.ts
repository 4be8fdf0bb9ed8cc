// Trace lookup by id through the target's trace store: `/api/traces/<id>` of Tempo (k3d, compose)
// or of Jaeger v2 (native, standing in for Tempo). Same path, two formats: Jaeger's own JSON or
// Tempo's OTLP JSON; both flatten to FoundSpan. Used by 0-6, 0-10 and 0-13.
import { http, poll } from './http.ts';
import { errText } from './errors.ts';

export interface FoundSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
}

/** Ids in Tempo's JSON are base64 (protobuf JSON of bytes) in some versions and hex in others. */
export function idToHex(id: string | undefined): string | undefined {
  if (!id) return undefined;
  if (/^[0-9a-f]{16}$|^[0-9a-f]{32}$/i.test(id)) return id.toLowerCase();
  const hex = Buffer.from(id, 'base64').toString('hex');
  return /^0+$/.test(hex) || hex === '' ? undefined : hex;
}

interface OtlpJsonKv {
  key: string;
  value?: { stringValue?: string };
}
interface OtlpJsonResourceSpans {
  resource?: { attributes?: OtlpJsonKv[] };
  scopeSpans?: { spans?: { traceId?: string; spanId?: string; parentSpanId?: string; name?: string }[] }[];
  instrumentationLibrarySpans?: OtlpJsonResourceSpans['scopeSpans'];
}

/** Flattens Tempo's trace-by-id JSON (v1 `batches`, v2 `trace.resourceSpans`, or `resourceSpans`). */
export function spansFromTempo(body: unknown): FoundSpan[] {
  const b = body as {
    batches?: OtlpJsonResourceSpans[];
    resourceSpans?: OtlpJsonResourceSpans[];
    trace?: { resourceSpans?: OtlpJsonResourceSpans[]; batches?: OtlpJsonResourceSpans[] };
  };
  const batches = b.batches ?? b.resourceSpans ?? b.trace?.resourceSpans ?? b.trace?.batches ?? [];
  const out: FoundSpan[] = [];
  for (const rs of batches) {
    const service =
      rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? 'unknown_service';
    for (const ss of rs.scopeSpans ?? rs.instrumentationLibrarySpans ?? []) {
      for (const s of ss.spans ?? []) {
        const parent = idToHex(s.parentSpanId);
        out.push({
          traceId: idToHex(s.traceId) ?? '',
          spanId: idToHex(s.spanId) ?? '',
          ...(parent ? { parentSpanId: parent } : {}),
          name: s.name ?? '',
          service,
        });
      }
    }
  }
  return out;
}

interface JaegerTrace {
  spans?: {
    traceID?: string;
    spanID?: string;
    operationName?: string;
    references?: { refType?: string; spanID?: string }[];
    processID?: string;
  }[];
  processes?: Record<string, { serviceName?: string }>;
}

/** Flattens Jaeger's trace-by-id JSON (`{data: [{spans, processes}]}`, its query API's own format). */
export function spansFromJaeger(body: unknown): FoundSpan[] {
  const out: FoundSpan[] = [];
  for (const t of (body as { data?: JaegerTrace[] }).data ?? []) {
    for (const s of t.spans ?? []) {
      const parent = s.references?.find((r) => r.refType === 'CHILD_OF')?.spanID;
      out.push({
        traceId: s.traceID ?? '',
        spanId: s.spanID ?? '',
        ...(parent ? { parentSpanId: parent } : {}),
        name: s.operationName ?? '',
        service: t.processes?.[s.processID ?? '']?.serviceName ?? 'unknown_service',
      });
    }
  }
  return out;
}

/** Which store answered, told by the answer's format. */
export type TraceStore = 'jaeger' | 'tempo';

/** The spans of a trace and the store that answered (no spans while it is not there yet). */
export async function fetchTrace(
  traceQueryUrl: string,
  traceId: string,
  opts: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ spans: FoundSpan[]; store?: TraceStore }> {
  const r = await http(`${traceQueryUrl.replace(/\/$/, '')}/api/traces/${traceId}`, opts);
  if (r.status === 404) return { spans: [] };
  if (r.status !== 200)
    throw new Error(`GET /api/traces/${traceId} answered ${r.status}: ${r.text.slice(0, 200)}`);
  const body = JSON.parse(r.text) as { data?: unknown };
  return Array.isArray(body.data)
    ? { spans: spansFromJaeger(body), store: 'jaeger' }
    : { spans: spansFromTempo(body), store: 'tempo' };
}

/** The spans of a trace as the target's trace store returns them ([] while not there yet). */
export async function lookupTrace(
  traceQueryUrl: string,
  traceId: string,
  headers: Record<string, string> = {},
): Promise<FoundSpan[]> {
  return (await fetchTrace(traceQueryUrl, traceId, { headers })).spans;
}

/**
 * Polls the store by trace id until `complete(spans)` (15 s at most); the time from `since` to
 * that moment, the store that answered, and the last error while polling.
 */
export async function waitForTrace(
  base: string,
  traceId: string,
  since: number,
  complete: (spans: FoundSpan[]) => boolean,
): Promise<{ spans: FoundSpan[]; store?: TraceStore; visibleMs?: number; error?: string }> {
  let last: { spans: FoundSpan[]; store?: TraceStore } = { spans: [] };
  let error: string | undefined;
  const ok = await poll(
    async () => {
      try {
        const r = await fetchTrace(base, traceId, { timeoutMs: 5_000 });
        last = { spans: r.spans, store: r.store ?? last.store };
        error = undefined;
      } catch (e) {
        error = errText(e);
      }
      return complete(last.spans) ? true : undefined;
    },
    15_000,
    100,
  );
  return { ...last, ...(ok ? { visibleMs: Date.now() - since } : {}), ...(error ? { error } : {}) };
}

