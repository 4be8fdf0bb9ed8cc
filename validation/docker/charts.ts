// Where the pinned Helm charts come from: the offline mirror (../shared/charts beside the clone,
// or $CHARTS_DIR), else the chart's own repository through `helm pull` (a user's machine with
// network), cached under the tools cache. No mirror and no network: one line saying which file
// is missing and how to get it (a configuration error, exit 2).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../../tasks/engine/task.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';
import type { Chart } from '../../tasks/config/versions.ts';

export const chartFile = (name: string, version: string) => `${name}-${version}.tgz`;

/** The mirror directories looked at, first match wins; CHARTS_DIR, when set, is the only one. */
export function mirrorDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.CHARTS_DIR) return [path.resolve(env.CHARTS_DIR)];
  // CI clones beside shared/; a git worktree sits one level deeper.
  return [
    path.resolve(REPO_ROOT, '..', 'shared', 'charts'),
    path.resolve(REPO_ROOT, '..', '..', 'shared', 'charts'),
  ];
}

export interface ChartSource {
  file: string;
  /** `mirror`, `cache` (pulled earlier) or `pulled` (just now, from the repository). */
  from: 'mirror' | 'cache' | 'pulled';
}

export async function locateChart(
  name: string,
  chart: Chart,
  opts: { helm: string; cache: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<ChartSource> {
  const file = chartFile(name, chart.version);
  for (const dir of mirrorDirs(opts.env)) {
    if (existsSync(path.join(dir, file))) return { file: path.join(dir, file), from: 'mirror' };
  }
  const cacheDir = path.join(opts.cache, 'charts');
  if (existsSync(path.join(cacheDir, file))) return { file: path.join(cacheDir, file), from: 'cache' };
  mkdirSync(cacheDir, { recursive: true });
  const pull = ['pull', name, '--repo', chart.url, '--version', chart.version, '--destination', cacheDir];
  const r = await execa(opts.helm, pull, {
    reject: false,
    all: true,
    timeout: 120_000,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  if (r.exitCode === 0 && existsSync(path.join(cacheDir, file)))
    return { file: path.join(cacheDir, file), from: 'pulled' };
  // helm's last line ends with the cause (`…: no such host`).
  const why = ((r.all ?? '').trim().split('\n').pop() ?? `exit ${r.exitCode}`)
    .split(': ')
    .slice(-2)
    .join(': ');
  throw new UsageError(
    `chart ${file} is not in the chart mirror (${mirrorDirs(opts.env).join(', ')}) and could not be pulled from ${chart.url} (${why}): ` +
      `copy ${file} into the mirror or set CHARTS_DIR to a folder holding it, or run where the repository is reachable`,
  );
}
