// The Go that builds the project's tools and the native backends. A go older than the modules
// ask for fails every build with its own words ("go.mod:3: invalid go version '1.24.11': must
// match format 1.23", Debian 12's go 1.19), once per build; asked here first, it is one line that
// names the go and what to do.
import { UsageError } from '../engine/task.ts';
import { execa } from '../lazy-execa.ts';
import { atLeast, parseVersion } from './version-compare.ts';
import { loadVersions } from './versions.ts';

/**
 * The oldest go the builds accept (go.minimum in manifests/versions.yaml). From 1.21 a go fetches
 * the toolchain a go.mod names (GOTOOLCHAIN=auto, through the module proxy); scripts/ensure-go.sh
 * provides go.version where the machine has no go this new.
 */
export const goMinimum = (): string => loadVersions().go.minimum;

const asked = new Map<string, Promise<string | undefined>>();

/** The version of the first go on PATH, or undefined when none runs (asked once per PATH). */
export function goVersion(): Promise<string | undefined> {
  const key = process.env.PATH ?? '';
  let v = asked.get(key);
  if (!v) {
    v = execa('go', ['version'], { reject: false }).then((r) =>
      r.exitCode === 0 ? parseVersion(r.stdout.replace(/^go version go/, '')) : undefined,
    );
    asked.set(key, v);
  }
  return v;
}

/** The go's version; a UsageError (exit 2) when there is none or it is older than goMinimum(). */
export async function requireGo(purpose: string): Promise<string> {
  const v = await goVersion();
  const min = goMinimum();
  const fix = `run: export PATH="$(scripts/ensure-go.sh):$PATH" (fetches Go ${loadVersions().go.version} into .tools/go)`;
  if (!v) throw new UsageError(`go is not on PATH; ${purpose} needs Go >= ${min}; ${fix}`);
  if (!atLeast(v, min))
    throw new UsageError(`go ${v} (the first go on PATH) is older than ${min}, which ${purpose} needs; ${fix}`);
  return v;
}

const tail = (text: string | undefined) => (text ?? '').trim().split('\n').slice(-3).join(' | ');

/** `go args` in `cwd` after requireGo; its stdout, or an error with the command and its last lines. */
export async function runGo(
  args: string[],
  opts: { cwd?: string; signal?: AbortSignal; what: string; env?: Record<string, string> },
): Promise<string> {
  await requireGo(opts.what);
  const r = await execa('go', args, {
    reject: false,
    all: true,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  if (r.isCanceled) throw opts.signal?.reason ?? new Error('interrupted');
  if (r.exitCode !== 0)
    throw new Error(`${opts.what}: \`go ${args.join(' ')}\` failed (exit ${r.exitCode}): ${tail(r.all)}`);
  return r.stdout;
}
