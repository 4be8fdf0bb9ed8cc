// Jaeger's query-API JSON (/api/traces, /api/traces/<id>) turned into what the Traces page draws:
// a summary per trace for the search results and a waterfall of spans, parents before children
// in start order. Pure data, no DOM: the unit tests run it in Node on real answers' shapes.

export interface JaegerKeyValue {
  key: string;
  type?: string;
  value: unknown;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[];
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags?: JaegerKeyValue[];
  logs?: { timestamp: number; fields: JaegerKeyValue[] }[];
  processID: string;
  warnings?: string[] | null;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags?: JaegerKeyValue[] }>;
  warnings?: string[] | null;
}

export interface SpanEvent {
  /** Microseconds from the trace's start. */
  offsetUs: number;
  name: string;
  attributes: [string, string][];
}

export interface WaterfallRow {
  spanId: string;
  parentId?: string;
  depth: number;
  service: string;
  operation: string;
  /** OpenTelemetry span kind: server, client, producer, consumer, internal. */
  kind: string;
  /** Microseconds from the trace's start. */
  offsetUs: number;
  durationUs: number;
  error: boolean;
  attributes: [string, string][];
  resource: [string, string][];
  events: SpanEvent[];
  warnings: string[];
  hasChildren: boolean;
}

export interface Waterfall {
  traceId: string;
  /** Microseconds since the epoch. */
  startUs: number;
  durationUs: number;
  rows: WaterfallRow[];
  services: string[];
}

export interface TraceSummary {
  traceId: string;
  /** The root span's service and operation (the earliest span without a parent in the trace). */
  rootService: string;
  rootOperation: string;
  startUs: number;
  durationUs: number;
  spans: number;
  errors: number;
  /** Span count per service, most spans first. */
  services: [string, number][];
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
const pairs = (kvs: JaegerKeyValue[] | undefined): [string, string][] =>
  (kvs ?? []).map((kv) => [kv.key, text(kv.value)]);

/** The span's parent inside this trace (CHILD_OF first, then FOLLOWS_FROM), if any. */
function parentOf(span: JaegerSpan): string | undefined {
  const refs = (span.references ?? []).filter((r) => r.traceID === span.traceID);
  return (refs.find((r) => r.refType === 'CHILD_OF') ?? refs[0])?.spanID;
}

const isError = (tags: [string, string][]) =>
  tags.some(([k, v]) => (k === 'error' && v === 'true') || (k === 'otel.status_code' && v === 'ERROR'));

/** The extent of a trace: its earliest start and latest end, in µs since the epoch. */
function extent(spans: JaegerSpan[]): { startUs: number; endUs: number } {
  let startUs = Infinity;
  let endUs = -Infinity;
  for (const s of spans) {
    startUs = Math.min(startUs, s.startTime);
    endUs = Math.max(endUs, s.startTime + s.duration);
  }
  return spans.length ? { startUs, endUs } : { startUs: 0, endUs: 0 };
}

export function serviceOf(trace: JaegerTrace, span: JaegerSpan): string {
  return trace.processes[span.processID]?.serviceName ?? span.processID;
}

/**
 * The waterfall: a depth-first walk from the roots, siblings by start time. A span whose parent
 * is not in the trace (not arrived yet, or dropped) is drawn as a root, so no span is hidden.
 */
export function toWaterfall(trace: JaegerTrace): Waterfall {
  const { startUs, endUs } = extent(trace.spans);
  const ids = new Set(trace.spans.map((s) => s.spanID));
  const children = new Map<string | undefined, JaegerSpan[]>();
  for (const s of trace.spans) {
    const p = parentOf(s);
    const key = p && ids.has(p) && p !== s.spanID ? p : undefined;
    children.set(key, [...(children.get(key) ?? []), s]);
  }
  for (const list of children.values()) list.sort((a, b) => a.startTime - b.startTime);
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const walk = (span: JaegerSpan, depth: number) => {
    // A reference cycle (a broken client) must not loop forever.
    if (seen.has(span.spanID)) return;
    seen.add(span.spanID);
    const tags = pairs(span.tags);
    const kind = tags.find(([k]) => k === 'span.kind')?.[1] ?? 'internal';
    const kids = children.get(span.spanID) ?? [];
    rows.push({
      spanId: span.spanID,
      ...(parentOf(span) ? { parentId: parentOf(span)! } : {}),
      depth,
      service: serviceOf(trace, span),
      operation: span.operationName,
      kind,
      offsetUs: span.startTime - startUs,
      durationUs: span.duration,
      error: isError(tags),
      attributes: tags.filter(([k]) => k !== 'span.kind'),
      resource: pairs(trace.processes[span.processID]?.tags),
      events: (span.logs ?? []).map((l) => {
        const fields = pairs(l.fields);
        return {
          offsetUs: l.timestamp - startUs,
          name: fields.find(([k]) => k === 'event')?.[1] ?? 'event',
          attributes: fields.filter(([k]) => k !== 'event'),
        };
      }),
      warnings: span.warnings ?? [],
      hasChildren: kids.length > 0,
    });
    for (const k of kids) walk(k, depth + 1);
  };
  for (const root of children.get(undefined) ?? []) walk(root, 0);
  // Spans only reachable through a cycle have no root: draw them at the top level too.
  for (const s of trace.spans) if (!seen.has(s.spanID)) walk(s, 0);
  const services = [...new Set(rows.map((r) => r.service))];
  return { traceId: trace.traceID, startUs, durationUs: endUs - startUs, rows, services };
}

export function summarize(trace: JaegerTrace): TraceSummary {
  const { startUs, endUs } = extent(trace.spans);
  const ids = new Set(trace.spans.map((s) => s.spanID));
  const roots = trace.spans
    .filter((s) => !ids.has(parentOf(s) ?? ''))
    .sort((a, b) => a.startTime - b.startTime);
  const root = roots[0] ?? trace.spans[0];
  const perService = new Map<string, number>();
  for (const s of trace.spans)
    perService.set(serviceOf(trace, s), (perService.get(serviceOf(trace, s)) ?? 0) + 1);
  return {
    traceId: trace.traceID,
    rootService: root ? serviceOf(trace, root) : '',
    rootOperation: root?.operationName ?? '(no spans)',
    startUs,
    durationUs: endUs - startUs,
    spans: trace.spans.length,
    errors: trace.spans.filter((s) => isError(pairs(s.tags))).length,
    services: [...perService].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  };
}

/** `1.23 s`, `45.6 ms`, `789 µs`: three significant figures at most. */
export function formatDuration(us: number): string {
  if (us >= 1_000_000) return `${+(us / 1_000_000).toPrecision(3)} s`;
  if (us >= 1_000) return `${+(us / 1_000).toPrecision(3)} ms`;
  return `${Math.round(us)} µs`;
}

/** Evenly spaced, round tick offsets (µs) across a duration, for the waterfall's time axis. */
export function ticks(durationUs: number, count = 5): number[] {
  if (durationUs <= 0) return [0];
  const raw = durationUs / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= durationUs + 1e-9; t += step) out.push(t);
  return out;
}

/** A stable colour per service (a small palette that reads on the console's dark background). */
const PALETTE = ['#6e9fff', '#73bf69', '#f2cc0c', '#ff9830', '#b877d9', '#5794f2', '#fade2a', '#8ab8ff'];
export function serviceColour(service: string, services: string[]): string {
  const i = services.indexOf(service);
  return PALETTE[(i >= 0 ? i : 0) % PALETTE.length]!;
}
