// What a load run costs the processes that serve and observe it, and whether its requests can be
// found afterwards: CPU seconds of supervised processes from /proc/<pid>/stat before and after,
// and a sample of the run's trace ids looked up in the trace store (the whole trace: HTTP,
// produce, consume) and in the log store (the access line, and the per-step lines where the demo
// writes them: at LOG_LEVEL=debug).
import fsp from 'node:fs/promises';
import { lookupTrace } from '../../validation/lib/traces.ts';
import { logsql, quote } from '../../validation/lib/logsql.ts';
import { statTimes } from './wrk.ts';

/** The processes whose CPU a platform run reports: the demo and everything that observes it. */
export const OBSERVED = ['demo-service', 'otelcol', 'victorialogs', 'jaeger', 'kafka'] as const;

/** CPU seconds (user + system, all threads) of a live process, or undefined when it is gone. */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  const stat = await fsp.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const t = statTimes(stat);
  return t.self + t.children;
}

export interface CpuSnapshot {
  pids: Record<string, number>;
  seconds: Record<string, number>;
}

/** CPU seconds of the named processes among `pids` (the target's supervised ones) that are still alive. */
export async function snapshotSupervised(
  pids: Readonly<Record<string, number>>,
  names: readonly string[],
): Promise<CpuSnapshot> {
  const snap: CpuSnapshot = { pids: {}, seconds: {} };
  for (const name of names) {
    const pid = pids[name];
    const s = pid === undefined ? undefined : await cpuSeconds(pid);
    if (pid !== undefined && s !== undefined) {
      snap.pids[name] = pid;
      snap.seconds[name] = s;
    }
  }
  return snap;
}

/** CPU seconds per 1,000 requests of each process present (same pid) in both snapshots. */
export function cpuPer1000(
  before: CpuSnapshot,
  after: CpuSnapshot,
  requests: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(before.pids)) {
    if (after.pids[name] !== pid || requests <= 0) continue;
    out[name] = ((after.seconds[name]! - before.seconds[name]!) * 1000) / requests;
  }
  return out;
}

export interface Findable {
  sampled: number;
  /** Trace ids whose trace holds the HTTP, produce and consume spans. */
  tracesWhole: number;
  /** Trace ids with the access line ('request') in the log store. */
  accessLines: number;
  /** Trace ids with the per-step lines too (event produced, event consumed): LOG_LEVEL=debug only. */
  stepLines: number;
  missing: string[];
  waitedMs: number;
}

const SPANS = (topic: string) => ['POST /events', `send ${topic}`, `process ${topic}`];
const STEP_LINES = ['event produced', 'event consumed'];

/**
 * Looks each trace id up in Jaeger (`traceQuery`) and VictoriaLogs (`logsqlUrl`) until all are
 * found or `waitMs` passes (spans wait up to a second in the exporter's batch; log lines wait for
 * the collector's poll and batch).
 */
export async function findSample(
  ids: readonly string[],
  o: { traceQuery: string; logsqlUrl: string; service: string; topic: string; waitMs: number },
): Promise<Findable> {
  const t0 = Date.now();
  const whole = new Set<string>();
  const access = new Set<string>();
  const steps = new Set<string>();
  for (;;) {
    for (const id of ids) {
      if (!whole.has(id)) {
        const names = new Set((await lookupTrace(o.traceQuery, id).catch(() => [])).map((s) => s.name));
        if (SPANS(o.topic).every((n) => names.has(n))) whole.add(id);
      }
      if (!access.has(id)) {
        const rows = await logsql(
          o.logsqlUrl,
          `_time:1h service:${quote(o.service)} trace_id:${quote(id)} | fields _msg`,
          { limit: 20 },
        )
          .then((r) => r.rows)
          .catch(() => []);
        const msgs = new Set(rows.map((r) => r._msg));
        if (msgs.has('request')) access.add(id);
        // Counted as shipped with the access line (same write, same collector batch).
        if (STEP_LINES.every((m) => msgs.has(m))) steps.add(id);
      }
    }
    const done = whole.size === ids.length && access.size === ids.length;
    if (done || Date.now() - t0 > o.waitMs) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return {
    sampled: ids.length,
    tracesWhole: whole.size,
    accessLines: access.size,
    stepLines: steps.size,
    missing: ids.filter((id) => !whole.has(id) || !access.has(id)),
    waitedMs: Date.now() - t0,
  };
}
