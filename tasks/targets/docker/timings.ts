// Start times measured by `up` on the Docker paths (cluster create, compose up), kept under
// .platform/ so the verify checks report the figure of the run that actually happened.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Paths } from '../../context.ts';

export interface Timing {
  ms: number;
  /** The command that was timed. */
  command: string;
  at: string;
}

export type TimingKey = 'k3d-cluster-create' | 'k3d-cluster-start' | 'compose-up';

const fileOf = (paths: Paths) => path.join(paths.platform, 'docker-timings.json');

export async function readTimings(paths: Paths): Promise<Partial<Record<TimingKey, Timing>>> {
  try {
    return JSON.parse(await readFile(fileOf(paths), 'utf8')) as Partial<Record<TimingKey, Timing>>;
  } catch {
    return {};
  }
}

export async function recordTiming(paths: Paths, key: TimingKey, t: Omit<Timing, 'at'>): Promise<void> {
  const all = { ...(await readTimings(paths)), [key]: { ...t, at: new Date().toISOString() } };
  await mkdir(paths.platform, { recursive: true });
  const tmp = `${fileOf(paths)}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(all, null, 2) + '\n');
  await rename(tmp, fileOf(paths));
}
