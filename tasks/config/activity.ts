// Long installs (Go builds of minutes, the Kafka jar download) run side by side and must never
// leave the person waiting in silence: while any is running, one line at least every 10 s names
// each of them and how long it has run. Builds share a slot pool sized to the cores, so two Go
// builds overlap their download and link phases on 2 cores without eight of them thrashing.
import os from 'node:os';

export type Note = (line: string) => void;

/**
 * How often the waiting line repeats (non-TTY logs: never more than 10 s silent). Under the plain
 * renderer's own 10 s quiet limit (engine/progress.ts), so that while installs report, the
 * renderer's bare `still running` line does not come as well.
 */
export const HEARTBEAT_MS = 8_000;

interface Board {
  running: Map<string, number>;
  timer?: NodeJS.Timeout;
}
// One board per output: parallel installs told to the same note share one line.
const boards = new WeakMap<Note, Board>();

const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

/** The waiting line: `still working: building jaeger (40 s), downloading the Kafka jars (12 s)`. */
export function waitingLine(running: ReadonlyMap<string, number>, now = Date.now()): string {
  return `still working: ${[...running].map(([what, t0]) => `${what} (${secs(now - t0)})`).join(', ')}`;
}

/**
 * Runs `fn`, announcing `what` when it starts and how long it took when it ends; while it runs,
 * the shared waiting line repeats every `everyMs`.
 */
export async function track<T>(note: Note, what: string, fn: () => Promise<T>, everyMs = HEARTBEAT_MS): Promise<T> {
  let board = boards.get(note);
  if (!board) boards.set(note, (board = { running: new Map() }));
  const b = board;
  // Two installs naming the same thing at once (never expected) keep both entries.
  let key = what;
  for (let i = 2; b.running.has(key); i++) key = `${what} #${i}`;
  const t0 = Date.now();
  b.running.set(key, t0);
  note(`${what}: started`);
  b.timer ??= setInterval(() => note(waitingLine(b.running)), everyMs);
  b.timer.unref();
  try {
    const r = await fn();
    note(`${what}: done in ${secs(Date.now() - t0)}`);
    return r;
  } catch (e) {
    note(`${what}: failed after ${secs(Date.now() - t0)}`);
    throw e;
  } finally {
    b.running.delete(key);
    if (b.running.size === 0 && b.timer) {
      clearInterval(b.timer);
      b.timer = undefined;
    }
  }
}

/** Build slots: the cores (at least 2: a build spends part of its time downloading and linking). */
export const BUILD_SLOTS = Math.max(2, os.availableParallelism());
let free = BUILD_SLOTS;
const queue: (() => void)[] = [];

/** Runs a CPU-heavy build when a slot is free. */
export async function inBuildSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (free > 0) free--;
  else await new Promise<void>((r) => queue.push(r));
  try {
    return await fn();
  } finally {
    const next = queue.shift();
    if (next) next();
    else free++;
  }
}

/** Runs `fns` side by side and waits for all; the first failure is rethrown after all settle. */
export async function allSettledOrThrow<T>(fns: (() => Promise<T>)[]): Promise<T[]> {
  const rs = await Promise.allSettled(fns.map((f) => f()));
  const bad = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (bad) throw bad.reason;
  return rs.map((r) => (r as PromiseFulfilledResult<T>).value);
}
