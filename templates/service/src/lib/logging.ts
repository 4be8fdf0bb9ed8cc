// Structured JSON logs in the seed's format (task 0-5), one object per line on stdout, which is
// what Alloy (k3d), Docker's log driver (compose) and the native supervisor's log files collect:
//   {"level":"INFO","timestamp":"…","service":"market-data","trace_id":"…","span_id":"…","message":"…", …fields}
// The active OpenTelemetry span's ids are added by a pino mixin, so a log line written inside a
// span carries the trace id Tempo/Grafana use to jump from a trace to its logs.
//
// Packages used (the template's package.json must list them): pino, @opentelemetry/api.
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values never reach a log line, at the top level or one object deep. */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'api_key',
  'authorization',
  'cookie',
  'set-cookie',
  'privateKey',
  'private_key',
  'clientSecret',
  'client_secret',
  'sasl',
];

export const REDACTED = '[REDACTED]';

export interface LoggerOptions {
  /** Becomes the `service` field of every line (the Loki label Alloy promotes). */
  service: string;
  /** Minimum level; default `LOG_LEVEL` from the environment, else `info`. */
  level?: Level;
  /** Extra secret field names, added to DEFAULT_REDACT_KEYS. */
  redactKeys?: readonly string[];
  /** Where lines go; default stdout. Tests pass a stream to read lines back. */
  destination?: DestinationStream;
  /** Fields added to every line, e.g. `{ version: '1.2.0' }`. */
  base?: Record<string, unknown>;
}

type Fields = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Fields =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Error);

/**
 * Replaces the value of every secret key at the top level and one object deep, copying only
 * the objects that hold one (the caller's objects are never changed). One pass over the line's
 * own fields: pino's path-based redact re-parses all 2 × keys paths on every line, which cost a
 * service under load about a tenth of its CPU.
 */
export function redactSecrets(keys: readonly string[]): (fields: Fields) => Fields {
  const secret = new Set(keys);
  return (fields) => {
    let out = fields;
    for (const k in fields) {
      const v = fields[k];
      if (secret.has(k)) {
        if (out === fields) out = { ...fields };
        out[k] = REDACTED;
      } else if (isPlainObject(v)) {
        let inner: Fields | undefined;
        for (const k2 in v) {
          if (!secret.has(k2)) continue;
          inner ??= { ...v };
          inner[k2] = REDACTED;
        }
        if (inner) {
          if (out === fields) out = { ...fields };
          out[k] = inner;
        }
      }
    }
    return out;
  };
}

/** The active span's ids, or nothing outside a span (so lines never carry a fake id). */
function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  const sc = span?.spanContext();
  if (!sc || !isSpanContextValid(sc)) return {};
  return { trace_id: sc.traceId, span_id: sc.spanId };
}

const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

function levelFromEnv(): Level {
  const v = process.env.LOG_LEVEL?.toLowerCase();
  return v && (LEVELS as readonly string[]).includes(v) ? (v as Level) : 'info';
}

/** A pino logger writing the seed's JSON format. Child loggers (`log.child({ symbol })`) keep it. */
export function createLogger(opts: LoggerOptions): Logger {
  const redact = redactSecrets([...DEFAULT_REDACT_KEYS, ...(opts.redactKeys ?? [])]);
  const options = {
    level: opts.level ?? levelFromEnv(),
    messageKey: 'message',
    errorKey: 'error',
    base: { service: opts.service, ...opts.base },
    // ISO-8601 UTC like the seed's example; pino expects the leading comma.
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: {
      level: (label: string) => ({ level: label.toUpperCase() }),
      // Child bindings and each line's fields (mixin and base included) pass through both.
      bindings: redact,
      log: redact,
    },
    mixin: traceFields,
  };
  // Asynchronous, buffered stdout: lines collect until 8 KiB are waiting (or 100 ms passed) and
  // go out in one write(2). Without the buffer every line that found no write in flight cost a
  // write of its own: in a CPU profile of the demo under load (issue 25) sonic-boom's writes
  // were a tenth of the process's time; now a line waits at most 100 ms, well under the log
  // collector's 500 ms poll. pino flushes what is buffered when the process exits; only a
  // SIGKILL can lose the last 100 ms of lines.
  return pino(
    options,
    opts.destination ?? pino.destination({ dest: 1, sync: false, minLength: 8192, periodicFlush: 100 }),
  );
}
