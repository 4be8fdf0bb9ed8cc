// Runs a selection of the graph: ready nodes start concurrently up to a limit, each with its own
// AbortSignal, per-attempt timeout and retries with exponential backoff. A failure skips exactly
// the nodes that need it (saying which node blocked them and why); independent branches go on
// unless fail-fast is set. Aborting the run's signal (Ctrl-C) reaches every running node.
import fs from 'node:fs';
import { DeadlineExceeded } from './attempt.ts';
import { criticalPath, type Graph } from './graph.ts';
import { readiness, SATISFIED } from './readiness.ts';
import { earlyStatus, runNode } from './run-node.ts';
import type { EngineEvent, RunOptions, RunResult } from './run-types.ts';
import type { NodeRecord, NodeState } from './state.ts';
import type { BaseContext, Task } from './task.ts';

export { ABORT_GRACE_MS, fmtMs } from './attempt.ts';
export { DEFAULT_BACKOFF_MS, logFileOf, tail } from './run-node.ts';
export type { EngineEvent, RunCommand, RunOptions, RunResult } from './run-types.ts';

export const DEFAULT_CONCURRENCY = 4;

/** Needs in these states changed nothing a dependent's status could have seen. */
const UNCHANGED: ReadonlySet<NodeState> = new Set(['up-to-date', 'not-applicable']);

export async function runGraph<Ctx extends BaseContext>(
  graph: Graph<Ctx>,
  selection: readonly Task<Ctx>[],
  opts: RunOptions<Ctx>,
): Promise<RunResult> {
  const limit = opts.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency must be a whole number >= 1, got ${limit}`);
  const emit = opts.onEvent ?? (() => {});
  const startedAt = Date.now();
  const inSel = new Set(selection.map((t) => t.id));
  const order = graph.order.filter((t) => inSel.has(t.id));
  const titleOf = opts.titleOf ?? ((t: Task<Ctx>) => t.title);
  const run = runAbort(opts, startedAt);

  fs.mkdirSync(opts.logDir, { recursive: true });
  emit({
    type: 'run-start',
    command: opts.command,
    at: startedAt,
    concurrency: limit,
    nodes: order.map((t) => ({
      id: t.id,
      name: t.name,
      title: titleOf(t),
      needs: t.needs.filter((n) => inSel.has(n.id)).map((n) => n.id),
    })),
  });

  const ready = readiness(graph, order, inSel, opts, emit);
  const early = earlyStatuses(order, inSel, opts, run.signal, ready.results);
  const running = new Set<Promise<void>>();
  let firstFailure: string | undefined;
  for (;;) {
    const stop = run.signal.aborted || (opts.failFast && firstFailure !== undefined);
    while (!stop && running.size < limit) {
      const t = ready.next();
      if (!t) break;
      const p: Promise<void> = runNode(t, opts, run.signal, run.deadlineAt, emit, early.known(t)).then(
        ({ rec, tail }) => {
          if (rec.state === 'failed' && firstFailure === undefined) firstFailure = t.id;
          running.delete(p);
          ready.finish(t, rec, tail);
        },
      );
      running.add(p);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  run.close();
  early.stop();

  const why = run.signal.aborted
    ? run.signal.reason instanceof DeadlineExceeded
      ? `not started: ${run.signal.reason.message}`
      : 'not started: interrupted'
    : `not started: --fail-fast after ${firstFailure} failed`;
  for (const t of order) if (ready.pending.has(t.id)) ready.skip(t, why);
  return endRun(graph, order, opts, run.signal, startedAt, limit, ready.results, emit);
}

/** The run's own controller: the user's abort (Ctrl-C) and the overall deadline both land here. */
function runAbort<Ctx extends BaseContext>(opts: RunOptions<Ctx>, startedAt: number) {
  const run = new AbortController();
  const userAbort = () => run.abort(opts.signal?.reason ?? new Error('interrupted'));
  if (opts.signal?.aborted) userAbort();
  else opts.signal?.addEventListener('abort', userAbort, { once: true });
  const deadlineAt = opts.deadlineMs === undefined ? Infinity : startedAt + opts.deadlineMs;
  const deadlineTimer =
    opts.deadlineMs === undefined
      ? undefined
      : setTimeout(() => run.abort(new DeadlineExceeded(opts.deadlineMs!)), opts.deadlineMs);
  const close = () => {
    if (deadlineTimer) clearTimeout(deadlineTimer);
    opts.signal?.removeEventListener('abort', userAbort);
  };
  return { signal: run.signal, deadlineAt, close };
}

/**
 * `up` asks every status at once up front (status steps are read-only and mostly wait on I/O),
 * so a second `up` costs the slowest status, not the sum along the longest chain. A node uses
 * its early answer only when none of its needs ran meanwhile; otherwise it asks again.
 */
function earlyStatuses<Ctx extends BaseContext>(
  order: readonly Task<Ctx>[],
  inSel: ReadonlySet<string>,
  opts: RunOptions<Ctx>,
  runSignal: AbortSignal,
  results: ReadonlyMap<string, NodeRecord>,
) {
  const early = new Map<string, Promise<boolean | undefined>>();
  const earlyStop = new AbortController();
  const earlySignal = AbortSignal.any([runSignal, earlyStop.signal]);
  if (opts.command === 'up' && !opts.force) {
    for (const t of order) if (t.status) early.set(t.id, earlyStatus(t, opts, earlySignal));
  }
  // Transitively: a need two levels up that ran could have changed what the status sees.
  const trustEarly = (t: Task<Ctx>): boolean =>
    t.needs.every(
      (n) => !inSel.has(n.id) || (UNCHANGED.has(results.get(n.id)?.state as NodeState) && trustEarly(n)),
    );
  return {
    known: (t: Task<Ctx>) => (trustEarly(t) ? early.get(t.id) : undefined),
    stop: () => earlyStop.abort(new Error('run finished')),
  };
}

/** Counts the outcomes, announces the end of the run and builds its record. */
function endRun<Ctx extends BaseContext>(
  graph: Graph<Ctx>,
  order: readonly Task<Ctx>[],
  opts: RunOptions<Ctx>,
  runSignal: AbortSignal,
  startedAt: number,
  limit: number,
  results: ReadonlyMap<string, NodeRecord>,
  emit: (e: EngineEvent) => void,
): RunResult {
  const nodes = order.map((t) => results.get(t.id)!);
  const durations = new Map(
    nodes.filter((n) => n.startedAt && n.endedAt).map((n) => [n.id, n.endedAt! - n.startedAt!]),
  );
  const endedAt = Date.now();
  const interrupted = runSignal.aborted && !(runSignal.reason instanceof DeadlineExceeded);
  const counts = Object.fromEntries(
    (['done', 'up-to-date', 'failed', 'skipped', 'not-applicable', 'interrupted'] as NodeState[]).map((s) => [
      s,
      nodes.filter((n) => n.state === s).length,
    ]),
  ) as Record<NodeState, number>;
  emit({
    type: 'run-end',
    command: opts.command,
    at: endedAt,
    durationMs: endedAt - startedAt,
    interrupted,
    counts,
  });
  const ok = !interrupted && nodes.every((n) => SATISFIED.has(n.state));
  return {
    ok,
    command: opts.command,
    target: opts.target ?? '',
    startedAt,
    endedAt,
    concurrency: limit,
    interrupted,
    nodes,
    criticalPath: criticalPath(graph, durations, order),
  };
}
