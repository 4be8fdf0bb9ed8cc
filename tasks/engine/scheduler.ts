// Runs a selection of the graph: ready nodes start concurrently up to a limit, each with its own
// AbortSignal, per-attempt timeout and retries with exponential backoff. A failure skips exactly
// the nodes that need it (saying which node blocked them and why); independent branches go on
// unless fail-fast is set. Aborting the run's signal (Ctrl-C) reaches every running node.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { noRedaction, type Redact } from './redaction.ts';
import { criticalPath, type Graph } from './graph.ts';
import type { NodeRecord, NodeState, RunRecord } from './state.ts';
import { check, UsageError, type BaseContext, type Task } from './task.ts';

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_BACKOFF_MS = 1_000;
/** How long an aborted node gets to settle (kill its children) before the engine moves on. */
export const ABORT_GRACE_MS = 5_000;
const TAIL_LINES = 20;

export type EngineEvent =
  | {
      type: 'run-start';
      command: RunCommand;
      at: number;
      concurrency: number;
      nodes: { id: string; name: string; title: string; needs: string[] }[];
    }
  | {
      type: 'node-start';
      id: string;
      name: string;
      title: string;
      at: number;
      attempt: number;
      step: 'status' | 'run' | 'verify';
    }
  | { type: 'node-retry'; id: string; at: number; attempt: number; delayMs: number; error: string }
  /** A progress line from a running node (ctx.note): what it builds or downloads, and for how long. */
  | { type: 'node-note'; id: string; name: string; at: number; line: string }
  | ({ type: 'node-end'; title: string; at: number; durationMs: number; logTail?: string } & NodeRecord)
  | {
      type: 'run-end';
      command: RunCommand;
      at: number;
      durationMs: number;
      interrupted: boolean;
      counts: Record<NodeState, number>;
    };

export type RunCommand = 'up' | 'verify';

export interface RunOptions<Ctx extends BaseContext> {
  command: RunCommand;
  /** Builds the node's context from the engine's base (signal, log, logFile). */
  makeContext: (task: Task<Ctx>, base: BaseContext) => Ctx;
  /** `<logDir>/<id>.log` receives each node's log lines and child-process output. */
  logDir: string;
  concurrency?: number;
  /** After the first failure start nothing new; running nodes finish. */
  failFast?: boolean;
  /** `up`: run even when status says done. */
  force?: boolean;
  /** Aborting it (Ctrl-C) aborts every running node and starts nothing new. */
  signal?: AbortSignal;
  /** Overall deadline for the run in ms: no retry starts after it, running nodes are aborted at it. */
  deadlineMs?: number;
  /** How long an aborted or timed-out step may take to settle before the engine moves on. */
  abortGraceMs?: number;
  /** First retry delay; doubles per attempt (TaskSpec.backoffMs overrides per node). */
  backoffMs?: number;
  target?: string;
  /** The title events carry for a node (default `task.title`); the CLI names what the target runs. */
  titleOf?: (task: Task<Ctx>) => string;
  onEvent?: (e: EngineEvent) => void;
  /** Applied to every log line, reason and log tail the engine writes or reports. */
  redact?: Redact;
}

export interface RunResult extends RunRecord {
  ok: boolean;
}

class StepTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${fmtMs(ms)}`);
    this.name = 'StepTimeout';
  }
}

class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`overall deadline of ${fmtMs(ms)} exceeded`);
    this.name = 'DeadlineExceeded';
  }
}

export const fmtMs = (ms: number) => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`);

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

/** Satisfied needs let dependents start; anything else blocks them (up) or is ignored (verify). */
const SATISFIED: ReadonlySet<NodeState> = new Set(['done', 'up-to-date', 'not-applicable']);

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

  // The run's own controller: user abort and the overall deadline both land here.
  const run = new AbortController();
  const userAbort = () => run.abort(opts.signal?.reason ?? new Error('interrupted'));
  if (opts.signal?.aborted) userAbort();
  else opts.signal?.addEventListener('abort', userAbort, { once: true });
  const deadlineAt = opts.deadlineMs === undefined ? Infinity : startedAt + opts.deadlineMs;
  const deadlineTimer =
    opts.deadlineMs === undefined
      ? undefined
      : setTimeout(() => run.abort(new DeadlineExceeded(opts.deadlineMs!)), opts.deadlineMs);

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

  const results = new Map<string, NodeRecord>();
  const pending = new Set(order.map((t) => t.id));
  const running = new Set<Promise<void>>();
  let firstFailure: string | undefined;

  // Each node counts its unfinished needs inside the selection; at zero it joins the ready
  // queue (FIFO from graph order, so runs are deterministic). O(nodes + edges) per run.
  const remaining = new Map(order.map((t) => [t.id, t.needs.filter((n) => inSel.has(n.id)).length]));
  const readyQ: Task<Ctx>[] = order.filter((t) => remaining.get(t.id) === 0);
  let head = 0;

  const finish = (t: Task<Ctx>, rec: NodeRecord, logTail?: string) => {
    results.set(t.id, rec);
    pending.delete(t.id);
    const durationMs =
      rec.startedAt !== undefined && rec.endedAt !== undefined ? rec.endedAt - rec.startedAt : 0;
    emit({
      type: 'node-end',
      ...rec,
      title: titleOf(t),
      at: rec.endedAt ?? Date.now(),
      durationMs,
      ...(logTail ? { logTail } : {}),
    });
    // In `up`, a node whose need did not succeed is skipped, naming the node that failed first in the chain.
    const blocks = opts.command === 'up' && !SATISFIED.has(rec.state);
    for (const d of graph.dependents.get(t.id) ?? []) {
      if (!pending.has(d.id)) continue;
      if (blocks) {
        skip(
          d,
          rec.reason?.startsWith('blocked by ')
            ? rec.reason
            : `blocked by ${t.id} (${rec.state}${rec.reason ? `: ${rec.reason}` : ''})`,
        );
        continue;
      }
      const left = remaining.get(d.id)! - 1;
      remaining.set(d.id, left);
      if (left === 0) readyQ.push(d);
    }
  };

  const skip = (t: Task<Ctx>, reason: string) =>
    finish(t, { id: t.id, name: t.name, state: 'skipped', reason, logFile: logFileOf(opts.logDir, t.id) });

  // `up` asks every status at once up front (status steps are read-only and mostly wait on I/O),
  // so a second `up` costs the slowest status, not the sum along the longest chain. A node uses
  // its early answer only when none of its needs ran meanwhile; otherwise it asks again.
  const early = new Map<string, Promise<boolean | undefined>>();
  const earlyStop = new AbortController();
  const earlySignal = AbortSignal.any([run.signal, earlyStop.signal]);
  if (opts.command === 'up' && !opts.force) {
    for (const t of order) if (t.status) early.set(t.id, earlyStatus(t, opts, earlySignal));
  }
  // Transitively: a need two levels up that ran could have changed what the status sees.
  const trustEarly = (t: Task<Ctx>): boolean =>
    t.needs.every(
      (n) => !inSel.has(n.id) || (UNCHANGED.has(results.get(n.id)?.state as NodeState) && trustEarly(n)),
    );

  for (;;) {
    const stop = run.signal.aborted || (opts.failFast && firstFailure !== undefined);
    while (!stop && running.size < limit && head < readyQ.length) {
      const t = readyQ[head++]!;
      if (!pending.has(t.id)) continue;
      const known = trustEarly(t) ? early.get(t.id) : undefined;
      const p: Promise<void> = runNode(t, opts, run.signal, deadlineAt, emit, known).then(({ rec, tail }) => {
        if (rec.state === 'failed' && firstFailure === undefined) firstFailure = t.id;
        running.delete(p);
        finish(t, rec, tail);
      });
      running.add(p);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  if (deadlineTimer) clearTimeout(deadlineTimer);
  earlyStop.abort(new Error('run finished'));
  opts.signal?.removeEventListener('abort', userAbort);

  const why = run.signal.aborted
    ? run.signal.reason instanceof DeadlineExceeded
      ? `not started: ${run.signal.reason.message}`
      : 'not started: interrupted'
    : `not started: --fail-fast after ${firstFailure} failed`;
  for (const t of order) if (pending.has(t.id)) skip(t, why);

  const nodes = order.map((t) => results.get(t.id)!);
  const durations = new Map(
    nodes.filter((n) => n.startedAt && n.endedAt).map((n) => [n.id, n.endedAt! - n.startedAt!]),
  );
  const endedAt = Date.now();
  const interrupted = run.signal.aborted && !(run.signal.reason instanceof DeadlineExceeded);
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

export const logFileOf = (logDir: string, id: string) => path.join(logDir, `${id}.log`);

/** Needs in these states changed nothing a dependent's status could have seen. */
const UNCHANGED: ReadonlySet<NodeState> = new Set(['up-to-date', 'not-applicable']);

/** A node's status asked ahead of its turn; undefined when it does not apply or the step failed. */
async function earlyStatus<Ctx extends BaseContext>(
  t: Task<Ctx>,
  opts: RunOptions<Ctx>,
  signal: AbortSignal,
): Promise<boolean | undefined> {
  const logFile = logFileOf(opts.logDir, t.id);
  const redact = opts.redact ?? noRedaction;
  const log = (line: string) => fs.appendFileSync(logFile, `status (asked early): ${redact(line)}\n`);
  try {
    const mk = (s: AbortSignal) => opts.makeContext(t, { signal: s, log, logFile });
    if ((t.applies?.(mk(signal)) ?? true) !== true) return undefined;
    const grace = opts.abortGraceMs ?? ABORT_GRACE_MS;
    return await attempt((s) => t.status!(mk(s)), signal, t.timeoutMs, `${t.id} status`, grace);
  } catch {
    return undefined;
  }
}

async function runNode<Ctx extends BaseContext>(
  t: Task<Ctx>,
  opts: RunOptions<Ctx>,
  runSignal: AbortSignal,
  deadlineAt: number,
  emit: (e: EngineEvent) => void,
  /** The status asked early, usable because none of the node's needs ran since. */
  known?: Promise<boolean | undefined>,
): Promise<{ rec: NodeRecord; tail?: string }> {
  const logFile = logFileOf(opts.logDir, t.id);
  const redact = opts.redact ?? noRedaction;
  const reasonOf = (e: unknown) => redact(firstLine(e));
  // The header goes in with the first line: a node that logs nothing costs no file write.
  let header: string | undefined = `--- ${opts.command} ${t.id} (${t.name}) ${new Date().toISOString()}\n`;
  const log = (line: string) => {
    fs.appendFileSync(logFile, (header ?? '') + redact(line) + '\n');
    header = undefined;
  };
  const base = { id: t.id, name: t.name, logFile };
  const titleOf = opts.titleOf ?? ((x: Task<Ctx>) => x.title);
  const startedAt = Date.now();
  const note = (line: string) => {
    log(line);
    emit({ type: 'node-note', id: t.id, name: t.name, at: Date.now(), line: redact(line) });
  };
  const mk = (signal: AbortSignal) => opts.makeContext(t, { signal, log, logFile, note });
  const grace = opts.abortGraceMs ?? ABORT_GRACE_MS;
  const end = (state: NodeState, extra: Partial<NodeRecord> = {}): { rec: NodeRecord; tail?: string } => {
    const rec: NodeRecord = { ...base, state, startedAt, endedAt: Date.now(), ...extra };
    if (extra.reason && state !== 'up-to-date') log(`${state}: ${extra.reason}`);
    return { rec, tail: state === 'failed' ? redact(tail(logFile)) : undefined };
  };

  const applies = t.applies?.(mk(runSignal)) ?? true;
  if (applies !== true) return end('not-applicable', { reason: redact(applies.notApplicable) });

  if (opts.command === 'verify') {
    if (!t.verify) return end('done', { checks: [], reason: 'no verify step' });
    emit({ type: 'node-start', ...base, title: titleOf(t), at: Date.now(), attempt: 1, step: 'verify' });
    try {
      const checks = await attempt((s) => t.verify!(mk(s)), runSignal, t.timeoutMs, `${t.id} verify`, grace);
      const failed = checks.filter((c) => c.status === 'fail');
      for (const c of checks)
        log(
          `check ${c.id}: ${c.status}${c.measured !== undefined ? ` ${c.measured}${c.unit ? ` ${c.unit}` : ''}` : ''}${c.reason ? ` (${c.reason})` : ''}`,
        );
      return failed.length
        ? end('failed', {
            checks,
            reason: `${failed.length} of ${checks.length} checks failed: ${failed.map((c) => c.id).join(', ')}`,
            attempts: 1,
          })
        : end('done', { checks, attempts: 1 });
    } catch (e) {
      logError(log, e);
      if (runSignal.aborted && !(runSignal.reason instanceof DeadlineExceeded))
        return end('interrupted', { reason: 'interrupted', checks: [] });
      // A verify step that throws is a failed check: the report shows the message.
      const reason = reasonOf(e);
      const checks = [
        check({
          proof: 'live',
          id: `${t.id}.verify`,
          task: t.id,
          title: `${titleOf(t)}: verify step`,
          status: 'fail',
          reason,
        }),
      ];
      return end('failed', { checks, reason, attempts: 1 });
    }
  }

  if (!opts.force && t.status) {
    emit({ type: 'node-start', ...base, title: titleOf(t), at: Date.now(), attempt: 0, step: 'status' });
    const answer = await known;
    if (answer === true) return end('up-to-date', { reason: 'already up (status); use --force to rerun' });
    if (answer === undefined)
      try {
        if (await attempt((s) => t.status!(mk(s)), runSignal, t.timeoutMs, `${t.id} status`, grace)) {
          return end('up-to-date', { reason: 'already up (status); use --force to rerun' });
        }
      } catch (e) {
        if (runSignal.aborted)
          return end(interruptedOrFailed(runSignal), { reason: reasonOf(runSignal.reason ?? e) });
        log(`status check failed, treating as not done: ${reasonOf(e)}`);
      }
  }
  if (!t.run) return end('done', { reason: 'nothing to run' });

  const retries = t.retries ?? 0;
  const backoff = t.backoffMs ?? opts.backoffMs ?? DEFAULT_BACKOFF_MS;
  for (let n = 1; ; n++) {
    emit({ type: 'node-start', ...base, title: titleOf(t), at: Date.now(), attempt: n, step: 'run' });
    try {
      await attempt((s) => t.run!(mk(s)), runSignal, t.timeoutMs, `${t.id} run`, grace);
      return end('done', { attempts: n });
    } catch (e) {
      logError(log, e);
      if (runSignal.aborted)
        return end(interruptedOrFailed(runSignal), { reason: reasonOf(runSignal.reason ?? e), attempts: n });
      const delayMs = backoff * 2 ** (n - 1);
      if (n > retries) return end('failed', { reason: reasonOf(e), attempts: n });
      if (Date.now() + delayMs > deadlineAt) {
        return end('failed', {
          reason: `${reasonOf(e)} (no retry: the overall deadline comes first)`,
          attempts: n,
        });
      }
      emit({ type: 'node-retry', id: t.id, at: Date.now(), attempt: n + 1, delayMs, error: reasonOf(e) });
      log(`attempt ${n} failed; retrying in ${fmtMs(delayMs)}`);
      try {
        await sleep(delayMs, undefined, { signal: runSignal });
      } catch {
        return end(interruptedOrFailed(runSignal), { reason: reasonOf(runSignal.reason), attempts: n });
      }
    }
  }
}

const interruptedOrFailed = (s: AbortSignal): NodeState =>
  s.reason instanceof DeadlineExceeded ? 'failed' : 'interrupted';

/** Known one-line errors (not built yet, usage) log their message; anything else its stack. */
function logError(log: (l: string) => void, e: unknown) {
  const plain =
    e instanceof UsageError ||
    e instanceof StepTimeout ||
    e instanceof DeadlineExceeded ||
    (e instanceof Error && e.name === 'NotImplementedError');
  log(e instanceof Error ? (plain ? `${e.name}: ${e.message}` : (e.stack ?? e.message)) : String(e));
}

/**
 * One attempt of a step with its own signal: aborted by the run (Ctrl-C, deadline) or by the
 * step's timeout. A step that ignores its signal gets ABORT_GRACE_MS to settle, then the engine
 * reports it and moves on.
 */
async function attempt<T>(
  fn: (s: AbortSignal) => Promise<T>,
  runSignal: AbortSignal,
  timeoutMs: number | undefined,
  what: string,
  graceMs: number,
): Promise<T> {
  const ac = new AbortController();
  const onRunAbort = () => ac.abort(runSignal.reason);
  if (runSignal.aborted) onRunAbort();
  runSignal.addEventListener('abort', onRunAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => ac.abort(new StepTimeout(what, timeoutMs)), timeoutMs);
  const work = Promise.resolve().then(() => fn(ac.signal));
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      // Prefer the step's own error once it settles (it killed its children); cap the wait.
      // The grace timer holds the loop open while it waits, and is cancelled once the step settles.
      const stopGrace = new AbortController();
      const grace = sleep(graceMs, undefined, { signal: stopGrace.signal }).catch(() => undefined);
      void Promise.race([
        work.then(
          () => undefined,
          () => undefined,
        ),
        grace,
      ]).then(() => {
        stopGrace.abort();
        reject(ac.signal.reason);
      });
    };
    if (ac.signal.aborted) onAbort();
    else ac.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } catch (e) {
    // A step that rejected because of the abort reports the abort's reason (timeout, deadline).
    throw ac.signal.aborted ? ac.signal.reason : e;
  } finally {
    if (timer) clearTimeout(timer);
    runSignal.removeEventListener('abort', onRunAbort);
    ac.signal.removeEventListener('abort', onAbort);
  }
}

/** Last lines of a node's log, shown when it fails. */
export function tail(file: string, n = TAIL_LINES): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}
