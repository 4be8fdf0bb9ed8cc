// One attempt of one step (status, run or verify) under its own signal: the step's timeout, the
// run's Ctrl-C and the overall deadline all abort it, and a step that ignores its signal is given
// a grace period and then left behind, so one stuck step never holds the whole run.
import { setTimeout as sleep } from 'node:timers/promises';

/** How long an aborted node gets to settle (kill its children) before the engine moves on. */
export const ABORT_GRACE_MS = 5_000;

export const fmtMs = (ms: number) => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`);

export class StepTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${fmtMs(ms)}`);
    this.name = 'StepTimeout';
  }
}

export class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`overall deadline of ${fmtMs(ms)} exceeded`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * One attempt of a step with its own signal: aborted by the run (Ctrl-C, deadline) or by the
 * step's timeout. A step that ignores its signal gets ABORT_GRACE_MS to settle, then the engine
 * reports it and moves on.
 */
export async function attempt<T>(
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
