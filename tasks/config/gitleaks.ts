// gitleaks, the secret scanner that the pre-commit hook and the 0-9 history check run, built from
// the Go module proxy into the tools cache by scripts/install-git-hooks.sh. `up` only turns the
// hooks on: no process of the platform runs gitleaks, and on a cold machine its build is a minute
// of the two build slots that the backends `up` starts are waiting for. `dev-setup` builds it;
// otherwise the first commit (the hook) or the first verify (the checks) does.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from '../lazy-execa.ts';
import { inBuildSlot, track } from './activity.ts';

export const gitleaksPath = (cache: string) => path.join(cache, 'bin', 'gitleaks');
export const gitleaksBuilt = (cache: string) => fs.existsSync(gitleaksPath(cache));

export interface ScriptResult {
  exitCode: number;
  /** What the script printed, a line each (nothing when all was in place). */
  lines: string[];
}

interface Opts {
  signal?: AbortSignal;
  note?: (line: string) => void;
}

async function script(root: string, cache: string, args: string[], opts: Opts): Promise<ScriptResult> {
  const r = await execa(path.join(root, 'scripts', 'install-git-hooks.sh'), args, {
    cwd: root,
    all: true,
    reject: false,
    env: { PLATFORM_CACHE: cache },
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  if (r.isCanceled) throw opts.signal?.reason ?? new Error('interrupted');
  return { exitCode: r.exitCode ?? 1, lines: (r.all ?? '').split('\n').filter(Boolean) };
}

/** The script's build, in a build slot and announced: quick once gitleaks is built, a minute or more before. */
const building = (root: string, cache: string, args: string[], opts: Opts) =>
  gitleaksBuilt(cache)
    ? script(root, cache, args, opts)
    : inBuildSlot(() =>
        track(opts.note ?? (() => {}), 'building gitleaks (Go, the secret scanner of the git hooks)', () =>
          script(root, cache, args, opts),
        ),
      );

/** Points git at .githooks/; with `build`, also builds gitleaks when it is missing. */
export const installGitHooks = (root: string, cache: string, opts: Opts & { build: boolean }) =>
  opts.build ? building(root, cache, [], opts) : script(root, cache, ['--hooks-only'], opts);

/** Builds gitleaks when it is missing, leaving git's configuration alone (the checks' first use). */
export const buildGitleaks = (root: string, cache: string, opts: Opts) => building(root, cache, ['--gitleaks-only'], opts);
