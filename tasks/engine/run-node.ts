// One node's turn in a run: does it apply here, then `verify` (its checks) or `up` (status, then
// run with retries and exponential backoff). Writes the node's log file and says how it ended; the
// scheduler decides what that means for the nodes that need it.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ABORT_GRACE_MS, attempt, DeadlineExceeded, fmtMs, StepTimeout } from './attempt.ts';
import { noRedaction } from './redaction.ts';
import type { EngineEvent, RunOptions } from './run-types.ts';
import type { NodeRecord, NodeState } from './state.ts';
import { check, UsageError, type BaseContext, type Task } from './task.ts';

export const DEFAULT_BACKOFF_MS = 1_000;
const TAIL_LINES = 20;

export const logFileOf = (logDir: string, id: string) => path.join(logDir, `${id}.log`);

/** How a node's turn ended, with its log's last lines when it failed. */
export type Outcome = { rec: NodeRecord; tail?: string };

/** What the steps of one node's turn share: its log, its context, how to end and announce it. */
interface Turn<Ctx extends BaseContext> {
  t: Task<Ctx>;
  opts: RunOptions<Ctx>;
  runSignal: AbortSignal;
  grace: number;
  log: (line: string) => void;
  mk: (signal: AbortSignal) => Ctx;
  reasonOf: (e: unknown) => string;
  end: (state: NodeState, extra?: Partial<NodeRecord>) => Outcome;
  started: (step: 'status' | 'run' | 'verify', attempt: number) => void;
  emit: (e: EngineEvent) => void;
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

function turnOf<Ctx extends BaseContext>(
  t: Task<Ctx>,
  opts: RunOptions<Ctx>,
  runSignal: AbortSignal,
  emit: (e: EngineEvent) => void,
): Turn<Ctx> {
  const logFile = logFileOf(opts.logDir, t.id);
  const redact = opts.redact ?? noRedaction;
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
  return {
    t,
    opts,
    runSignal,
    grace: opts.abortGraceMs ?? ABORT_GRACE_MS,
    log,
    mk: (signal) => opts.makeContext(t, { signal, log, logFile, note }),
    reasonOf: (e) => redact(firstLine(e)),
    end: (state, extra = {}) => {
      const rec: NodeRecord = { ...base, state, startedAt, endedAt: Date.now(), ...extra };
      if (extra.reason && state !== 'up-to-date') log(`${state}: ${extra.reason}`);
      return { rec, tail: state === 'failed' ? redact(tail(logFile)) : undefined };
    },
    started: (step, attempt) =>
      emit({ type: 'node-start', ...base, title: titleOf(t), at: Date.now(), attempt, step }),
    emit,
  };
}

export async function runNode<Ctx extends BaseContext>(
  t: Task<Ctx>,
  opts: RunOptions<Ctx>,
  runSignal: AbortSignal,
  deadlineAt: number,
  emit: (e: EngineEvent) => void,
  /** The status asked early, usable because none of the node's needs ran since. */
  known?: Promise<boolean | undefined>,
): Promise<Outcome> {
  const turn = turnOf(t, opts, runSignal, emit);
  const applies = t.applies?.(turn.mk(runSignal)) ?? true;
  if (applies !== true)
    return turn.end('not-applicable', { reason: (opts.redact ?? noRedaction)(applies.notApplicable) });
  if (opts.command === 'verify') return verifyStep(turn);
  if (!opts.force && t.status) {
    const up = await statusStep(turn, known);
    if (up) return up;
  }
  if (!t.run) return turn.end('done', { reason: 'nothing to run' });
  return runStep(turn, deadlineAt);
}

async function verifyStep<Ctx extends BaseContext>(turn: Turn<Ctx>): Promise<Outcome> {
  const { t, opts, runSignal, log, end } = turn;
  if (!t.verify) return end('done', { checks: [], reason: 'no verify step' });
  turn.started('verify', 1);
  try {
    const checks = await attempt(
      (s) => t.verify!(turn.mk(s)),
      runSignal,
      t.timeoutMs,
      `${t.id} verify`,
      turn.grace,
    );
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
    const reason = turn.reasonOf(e);
    const title = `${(opts.titleOf ?? ((x: Task<Ctx>) => x.title))(t)}: verify step`;
    const checks = [
      check({ proof: 'live', id: `${t.id}.verify`, task: t.id, title, status: 'fail', reason }),
    ];
    return end('failed', { checks, reason, attempts: 1 });
  }
}

/** `up`'s status step: an outcome when the node is already up (or the run stopped), else undefined. */
async function statusStep<Ctx extends BaseContext>(
  turn: Turn<Ctx>,
  known: Promise<boolean | undefined> | undefined,
): Promise<Outcome | undefined> {
  const { t, runSignal, end } = turn;
  turn.started('status', 0);
  const answer = await known;
  if (answer === true) return end('up-to-date', { reason: 'already up (status); use --force to rerun' });
  if (answer !== undefined) return undefined;
  try {
    if (await attempt((s) => t.status!(turn.mk(s)), runSignal, t.timeoutMs, `${t.id} status`, turn.grace)) {
      return end('up-to-date', { reason: 'already up (status); use --force to rerun' });
    }
  } catch (e) {
    if (runSignal.aborted)
      return end(interruptedOrFailed(runSignal), { reason: turn.reasonOf(runSignal.reason ?? e) });
    turn.log(`status check failed, treating as not done: ${turn.reasonOf(e)}`);
  }
  return undefined;
}

/** `up`'s run step, retried with exponential backoff while retries and the deadline allow. */
async function runStep<Ctx extends BaseContext>(turn: Turn<Ctx>, deadlineAt: number): Promise<Outcome> {
  const { t, opts, runSignal, log, end, reasonOf } = turn;
  const retries = t.retries ?? 0;
  const backoff = t.backoffMs ?? opts.backoffMs ?? DEFAULT_BACKOFF_MS;
  for (let n = 1; ; n++) {
    turn.started('run', n);
    try {
      await attempt((s) => t.run!(turn.mk(s)), runSignal, t.timeoutMs, `${t.id} run`, turn.grace);
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
      turn.emit({
        type: 'node-retry',
        id: t.id,
        at: Date.now(),
        attempt: n + 1,
        delayMs,
        error: reasonOf(e),
      });
      log(`attempt ${n} failed; retrying in ${fmtMs(delayMs)}`);
      try {
        await sleep(delayMs, undefined, { signal: runSignal });
      } catch {
        return end(interruptedOrFailed(runSignal), { reason: reasonOf(runSignal.reason), attempts: n });
      }
    }
  }
}

/** A node's status asked ahead of its turn; undefined when it does not apply or the step failed. */
export async function earlyStatus<Ctx extends BaseContext>(
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

/** Last lines of a node's log, shown when it fails. */
export function tail(file: string, n = TAIL_LINES): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '';
  }
}
