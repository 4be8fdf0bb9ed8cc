import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Paths } from './context.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Resolves the platform directories; PLATFORM_DIR moves all mutable state (tests use a temp dir). */
export function resolvePaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const platform = path.resolve(env.PLATFORM_DIR ?? path.join(REPO_ROOT, '.platform'));
  return {
    root: REPO_ROOT,
    platform,
    data: path.join(platform, 'data'),
    logs: path.join(platform, 'logs'),
    run: path.join(platform, 'run'),
    cache: path.resolve(env.PLATFORM_CACHE ?? path.join(REPO_ROOT, '.tools', 'cache')),
  };
}
