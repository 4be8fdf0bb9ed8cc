// What the Traces page asks for, as URLs on the console's own server (one origin): Jaeger's search
// by service, operation and time (/api/jaeger/... → Jaeger's /api/...), one trace's log lines by
// a LogsQL query on its trace id (/api/logsql/... → VictoriaLogs' /select/logsql/...), and the
// link that opens VictoriaLogs' own UI (vmui) with the same query and time window filled in.
// Pure functions: the unit tests check the URLs they build.

export interface SearchForm {
  service: string;
  /** Empty: every operation. */
  operation: string;
  /** A relative window (`15m`, `1h`, `6h`, `24h`, `2d`) or `custom` with from/to. */
  lookback: string;
  /** `datetime-local` values (the browser's time zone) when lookback is `custom`. */
  from?: string;
  to?: string;
  limit: number;
}

export const LOOKBACKS: [string, string][] = [
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last hour'],
  ['6h', 'Last 6 hours'],
  ['24h', 'Last 24 hours'],
  ['2d', 'Last 2 days'],
  ['custom', 'Custom range'],
];

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `15m` → 900000; undefined for anything else. */
export function lookbackMs(lookback: string): number | undefined {
  const m = /^(\d+)([mhd])$/.exec(lookback);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/** The search window in ms since the epoch, or why the form cannot be searched. */
export function searchWindow(
  form: SearchForm,
  nowMs: number,
): { startMs: number; endMs: number } | { error: string } {
  if (form.lookback === 'custom') {
    const startMs = Date.parse(form.from ?? '');
    const endMs = form.to ? Date.parse(form.to) : nowMs;
    if (Number.isNaN(startMs)) return { error: 'choose the start of the custom range' };
    if (Number.isNaN(endMs)) return { error: 'the end of the custom range is not a date' };
    if (endMs <= startMs) return { error: 'the custom range ends before it starts' };
    return { startMs, endMs };
  }
  const ms = lookbackMs(form.lookback);
  if (ms === undefined) return { error: `unknown time range ${form.lookback}` };
  return { startMs: nowMs - ms, endMs: nowMs };
}

/** Jaeger's trace search (`/api/traces`, times in µs) through the console's server. */
export function searchUrl(form: SearchForm, window: { startMs: number; endMs: number }): string {
  const q = new URLSearchParams({
    service: form.service,
    start: String(Math.floor(window.startMs * 1000)),
    end: String(Math.ceil(window.endMs * 1000)),
    limit: String(form.limit),
  });
  if (form.operation) q.set('operation', form.operation);
  return `/api/jaeger/traces?${q}`;
}

export const servicesUrl = () => '/api/jaeger/services';
export const operationsUrl = (service: string) =>
  `/api/jaeger/services/${encodeURIComponent(service)}/operations`;
export const traceUrl = (traceId: string) => `/api/jaeger/traces/${encodeURIComponent(traceId)}`;

/** A trace id as Jaeger prints it: 16 or 32 hex digits. */
export const isTraceId = (s: string) => /^[0-9a-f]{16}([0-9a-f]{16})?$/i.test(s.trim());

/** The LogsQL filter for one trace's lines: the collector keeps each line's `trace_id` field. */
export const traceLogsQuery = (traceId: string) => `trace_id:${JSON.stringify(traceId.toLowerCase())}`;

/** A service's lines (`service` is the stream field the collector sets). */
export const serviceLogsQuery = (service: string) => `{service=${JSON.stringify(service)}}`;

/** How far around a trace its lines are looked for: a line is written after its span ends. */
export const LOG_MARGIN_MS = 5 * 60_000;

/** A trace's time window with the margin, in ms since the epoch. */
export function traceLogWindow(startUs: number, durationUs: number): { startMs: number; endMs: number } {
  return {
    startMs: Math.floor(startUs / 1000) - LOG_MARGIN_MS,
    endMs: Math.ceil((startUs + durationUs) / 1000) + LOG_MARGIN_MS,
  };
}

/** One trace's log lines, oldest first, through the console's server (answers JSON lines). */
export function traceLogsUrl(
  traceId: string,
  window: { startMs: number; endMs: number },
  limit = 1000,
): string {
  const q = new URLSearchParams({
    query: `${traceLogsQuery(traceId)} | sort by (_time)`,
    start: new Date(window.startMs).toISOString(),
    end: new Date(window.endMs).toISOString(),
    limit: String(limit),
  });
  return `/api/logsql/query?${q}`;
}

/**
 * vmui (VictoriaLogs' UI, `<base>` = `http://…/select/vmui/`) with `query` run over a window: an
 * absolute one (`g0.end_input` + `g0.range_input`, `relative_time=none`) or the last `lookback`.
 * These are the hash parameters vmui itself writes when a query runs.
 */
export function vmuiUrl(
  base: string,
  query: string,
  window: { startMs: number; endMs: number } | { lookback: string },
): string {
  const q = new URLSearchParams({ query });
  if ('lookback' in window) {
    q.set('g0.range_input', window.lookback);
    const names: Record<string, string> = {
      '15m': 'last_15_minutes',
      '1h': 'last_1_hour',
      '6h': 'last_6_hours',
      '24h': 'last_24_hours',
      '2d': 'last_2_days',
    };
    if (names[window.lookback]) q.set('g0.relative_time', names[window.lookback]!);
  } else {
    const minutes = Math.max(1, Math.ceil((window.endMs - window.startMs) / 60_000));
    q.set('g0.range_input', `${minutes}m`);
    q.set('g0.end_input', new Date(window.endMs).toISOString());
    q.set('g0.relative_time', 'none');
  }
  return `${base.replace(/\/?$/, '/')}#/?${q}`;
}

export interface LogLine {
  time: string;
  level: string;
  service: string;
  spanId: string;
  traceId: string;
  message: string;
  /** The line's other fields, without the store's own (`_stream`, `_stream_id`) and the ones above. */
  fields: [string, string][];
}

const SHOWN = new Set([
  '_time',
  '_msg',
  '_stream',
  '_stream_id',
  'level',
  'severity_text',
  'severity_number',
  'service',
  'span_id',
  'trace_id',
  'timestamp',
  'scope.name',
  'scope.version',
  'log.file.name',
]);

/** VictoriaLogs' answer (one JSON object per line) as log lines. */
export function parseLogLines(body: string): LogLine[] {
  return body
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const r = JSON.parse(l) as Record<string, string>;
      return {
        time: r._time ?? '',
        level: (r.level ?? r.severity_text ?? '').toUpperCase(),
        service: r.service ?? '',
        spanId: r.span_id ?? '',
        traceId: r.trace_id ?? '',
        message: r._msg ?? '',
        fields: Object.entries(r).filter(([k]) => !SHOWN.has(k)),
      };
    });
}
