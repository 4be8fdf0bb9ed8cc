// Decoded OTLP spans → flat JSON records (one line each in the development trace sink's files),
// and the lookup that finds a trace's spans again. Hex ids like Tempo's API, kinds and status
// codes by name, times as nanosecond strings (they exceed 2^53).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { PbAnyValue, PbExportRequest, PbKeyValue, PbLong, PbSpan } from './otlp-proto.ts';

export type SpanKindName = 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
const KINDS: readonly SpanKindName[] = [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
];
const STATUS = ['UNSET', 'OK', 'ERROR'] as const;

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  /** `service.name` of the span's resource. */
  service: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationMs: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: { name: string; version?: string };
  status: { code: (typeof STATUS)[number]; message?: string };
  events?: { name: string; timeUnixNano: string; attributes: Record<string, unknown> }[];
  links?: { traceId: string; spanId: string; attributes: Record<string, unknown> }[];
  receivedAt: string;
}

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : '');
const nanos = (v: PbLong | number | undefined) => (v === undefined ? '0' : v.toString());
const isZero = (b: Uint8Array) => b.every((x) => x === 0);

function anyValue(v: PbAnyValue | undefined): unknown {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue.toString());
    return Number.isSafeInteger(n) ? n : v.intValue.toString();
  }
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyValue);
  if (v.kvlistValue) return attrs(v.kvlistValue.values);
  if (v.bytesValue) return Buffer.from(v.bytesValue).toString('base64');
  return null;
}

export function attrs(kvs: PbKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of kvs ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/** Why a span is invalid per the OTLP spec (16-byte trace id, 8-byte span id, non-zero), or undefined. */
export function invalidSpan(s: PbSpan): string | undefined {
  if (s.traceId?.length !== 16 || isZero(s.traceId))
    return `span '${s.name}': trace_id must be 16 non-zero bytes`;
  if (s.spanId?.length !== 8 || isZero(s.spanId)) return `span '${s.name}': span_id must be 8 non-zero bytes`;
  const p = s.parentSpanId;
  if (p && p.length !== 0 && p.length !== 8)
    return `span '${s.name}': parent_span_id must be empty or 8 bytes`;
  return undefined;
}

/** Flattens a decoded request; invalid spans are counted, not stored. */
export function toRecords(
  req: PbExportRequest,
  receivedAt = new Date(),
): { records: SpanRecord[]; rejected: string[] } {
  const records: SpanRecord[] = [];
  const rejected: string[] = [];
  const at = receivedAt.toISOString();
  for (const rs of req.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    const service =
      typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    for (const ss of rs.scopeSpans ?? []) {
      const scope = {
        name: ss.scope?.name ?? '',
        ...(ss.scope?.version ? { version: ss.scope.version } : {}),
      };
      for (const s of ss.spans ?? []) {
        const why = invalidSpan(s);
        if (why) {
          rejected.push(why);
          continue;
        }
        const start = nanos(s.startTimeUnixNano);
        const end = nanos(s.endTimeUnixNano);
        const parent = s.parentSpanId && !isZero(s.parentSpanId) ? hex(s.parentSpanId) : '';
        records.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          ...(parent ? { parentSpanId: parent } : {}),
          name: s.name,
          kind: KINDS[s.kind ?? 0] ?? 'UNSPECIFIED',
          service,
          startTimeUnixNano: start,
          endTimeUnixNano: end,
          durationMs: Number(BigInt(end) - BigInt(start)) / 1e6,
          attributes: attrs(s.attributes),
          resource,
          scope,
          status: {
            code: STATUS[s.status?.code ?? 0] ?? 'UNSET',
            ...(s.status?.message ? { message: s.status.message } : {}),
          },
          ...(s.events?.length
            ? {
                events: s.events.map((e) => ({
                  name: e.name,
                  timeUnixNano: nanos(e.timeUnixNano),
                  attributes: attrs(e.attributes),
                })),
              }
            : {}),
          ...(s.links?.length
            ? {
                links: s.links.map((l) => ({
                  traceId: hex(l.traceId),
                  spanId: hex(l.spanId),
                  attributes: attrs(l.attributes),
                })),
              }
            : {}),
          receivedAt: at,
        });
      }
    }
  }
  return { records, rejected };
}

/** One file per UTC day, so retention is deleting whole files. */
export const spanFileFor = (dir: string, d = new Date()) =>
  path.join(dir, `spans-${d.toISOString().slice(0, 10)}.jsonl`);

/** Appends records as JSON lines, one write at a time, so lines never interleave. */
export class SpanStore {
  private queue: Promise<void> = Promise.resolve();
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  append(records: SpanRecord[]): Promise<void> {
    if (records.length === 0) return this.queue;
    const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const next = this.queue.then(async () => {
      await fsp.mkdir(this.dir, { recursive: true });
      await fsp.appendFile(spanFileFor(this.dir), text);
    });
    // A failed write must not wedge the queue for later requests; the caller still sees it.
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Deletes day files older than `days` (Tempo's retention, mirrored). Returns the names removed. */
  async prune(days: number, now = new Date()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
    const removed: string[] = [];
    for (const f of await fsp.readdir(this.dir).catch(() => [] as string[])) {
      const m = /^spans-(\d{4}-\d{2}-\d{2})\.jsonl$/.exec(f);
      if (m?.[1] && m[1] < cutoff) {
        await fsp.rm(path.join(this.dir, f), { force: true });
        removed.push(f);
      }
    }
    return removed;
  }
}

/** All stored spans of a trace (32 hex chars), newest day file first. Empty when unknown. */
export async function findTrace(dir: string, traceId: string): Promise<SpanRecord[]> {
  const id = traceId.toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`trace id '${traceId}' is not 32 hex characters`);
  const needle = `"traceId":"${id}"`;
  const files = (await fsp.readdir(dir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .reverse();
  const out: SpanRecord[] = [];
  for (const f of files) {
    const rl = readline.createInterface({
      input: fs.createReadStream(path.join(dir, f)),
      crlfDelay: Infinity,
    });
    for await (const line of rl) {
      // Substring test first: parsing every line of a day's file would dominate the lookup.
      if (!line.includes(needle)) continue;
      try {
        out.push(JSON.parse(line) as SpanRecord);
      } catch {
        /* a torn last line from a crash: skip it */
      }
    }
  }
  return out;
}
