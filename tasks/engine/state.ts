// The persisted outcome of runs: `.platform/state.json`. Written atomically (temp file + rename)
// so Ctrl-C never leaves half a file; a corrupt file is reported, set aside and replaced by a
// fresh state, never a crash.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Check } from './task.ts';
import { writeFileAtomic } from './atomic.ts';

export type NodeState =
  | 'done' // run succeeded (or verify ran without a failed check)
  | 'up-to-date' // status said it was already done; run not called
  | 'failed'
  | 'skipped' // blocked by a failed need, fail-fast, interrupted or deadline
  | 'not-applicable' // does not apply to the active target; satisfies dependents
  | 'interrupted';

export interface NodeRecord {
  id: string;
  name: string;
  state: NodeState;
  /** Why it failed or was skipped, one line. */
  reason?: string;
  /** Epoch ms. */
  startedAt?: number;
  endedAt?: number;
  attempts?: number;
  checks?: Check[];
  logFile?: string;
  /** When verify last ran this node, and how it ended (a verify run never overwrites `state`). */
  verifiedAt?: number;
  verifyState?: NodeState;
}

export interface RunRecord {
  command: 'up' | 'verify';
  target: string;
  startedAt: number;
  endedAt: number;
  concurrency: number;
  interrupted: boolean;
  nodes: NodeRecord[];
  criticalPath: { ids: string[]; ms: number };
}

/** What `restart` did to one process (pod, service), keyed by the name `status` shows. */
export interface RestartRecord {
  /** Restarts by `restart` since the state file began. */
  count: number;
  /** Epoch ms the last restart was ready again. */
  at: number;
  /** The component it belongs to, and why it restarted: asked for, or following one it needs. */
  component: string;
  why: string;
  ok: boolean;
}

export interface PlatformState {
  version: 1;
  /** Last outcome per node, from `up` (run) or `verify` (checks). */
  nodes: Record<string, NodeRecord>;
  /** The last run of each command, for the report's timeline. */
  lastRun: Partial<Record<'up' | 'verify', RunRecord>>;
  /** Restarts by `restart`, per process name (absent until the first). */
  restarts?: Record<string, RestartRecord>;
}

export const emptyState = (): PlatformState => ({ version: 1, nodes: {}, lastRun: {} });

export const stateFile = (platformDir: string) => path.join(platformDir, 'state.json');

/** Reads the state; a missing file is a fresh state, a corrupt one is moved aside with a warning. */
export async function loadState(
  file: string,
  warn: (line: string) => void = () => {},
): Promise<PlatformState> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    warn(`state: cannot read ${file} (${(e as Error).message}); starting from a fresh state`);
    return emptyState();
  }
  try {
    const parsed = JSON.parse(text) as Partial<PlatformState>;
    if (parsed?.version !== 1 || typeof parsed.nodes !== 'object' || parsed.nodes === null) {
      throw new Error('not a version-1 state object');
    }
    return {
      version: 1,
      nodes: parsed.nodes,
      lastRun: parsed.lastRun ?? {},
      ...(parsed.restarts ? { restarts: parsed.restarts } : {}),
    };
  } catch (e) {
    const aside = `${file}.corrupt-${Date.now()}`;
    await fsp.rename(file, aside).catch(() => undefined);
    warn(
      `state: ${file} is corrupt (${(e as Error).message}); kept it as ${aside} and started from a fresh state`,
    );
    return emptyState();
  }
}

export async function saveState(file: string, state: PlatformState): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(state, null, 2) + '\n');
}

/** Folds a finished run into the state: each node's latest record, and the run for the timeline. */
export function recordRun(state: PlatformState, run: RunRecord): PlatformState {
  const nodes = { ...state.nodes };
  for (const n of run.nodes) {
    // A verify run adds checks without forgetting what `up` did; `up` keeps the last checks.
    const prev = nodes[n.id];
    nodes[n.id] =
      run.command === 'verify'
        ? {
            ...(prev ?? {
              id: n.id,
              name: n.name,
              state: 'skipped' as const,
              reason: 'up has not run this node yet',
            }),
            checks: n.checks,
            verifiedAt: n.endedAt,
            verifyState: n.state,
          }
        : {
            ...n,
            // `up` keeps the last verify's outcome too: it is what the Overview's and status's
            // "last verify" show, and a later up does not undo it.
            checks: prev?.checks,
            ...(prev?.verifiedAt !== undefined ? { verifiedAt: prev.verifiedAt } : {}),
            ...(prev?.verifyState !== undefined ? { verifyState: prev.verifyState } : {}),
          };
  }
  return { ...state, version: 1, nodes, lastRun: { ...state.lastRun, [run.command]: run } };
}

/** Folds a finished restart of `names` into the state. */
export function recordRestart(
  state: PlatformState,
  names: readonly string[],
  r: Omit<RestartRecord, 'count'>,
): PlatformState {
  const restarts = { ...state.restarts };
  for (const n of names) restarts[n] = { ...r, count: (restarts[n]?.count ?? 0) + 1 };
  return { ...state, restarts };
}
