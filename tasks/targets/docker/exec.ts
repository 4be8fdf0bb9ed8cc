// Runs the commands of the Docker paths: each one logged to the node's log with its output,
// cancelled with the node's signal, and failing with the command, exit code and output tail.
import { execa } from 'execa';
import type { BaseContext } from '../../engine/task.ts';
import { REPO_ROOT } from '../../paths.ts';

export type Cmd = readonly [string, ...string[]];

/** A command as a person would type it (for plan, logs and errors). */
export function formatCmd(cmd: Cmd): string {
  return cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/**
 * Leading `NAME=value` words of a command are environment for it, as in a shell: plan prints
 * `K3D_FIX_MOUNTS=1 k3d cluster create …`, which a person can paste, and run sets the variable.
 */
export function splitEnv(
  cmd: Cmd,
  env?: Readonly<Record<string, string>>,
): { argv: Cmd; env: Record<string, string> | undefined } {
  let i = 0;
  while (i < cmd.length - 1 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(cmd[i]!)) i++;
  if (i === 0) return { argv: cmd, env: env ? { ...env } : undefined };
  const own = Object.fromEntries(
    cmd.slice(0, i).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
  );
  return { argv: cmd.slice(i) as unknown as Cmd, env: { ...env, ...own } };
}

function logOutput(ctx: BaseContext, text: string | undefined): void {
  for (const line of (text ?? '').split('\n')) if (line.trim()) ctx.log(`  ${line}`);
}

/** Runs `cmd` from the repository root; throws on a non-zero exit. Returns stdout. */
export async function run(
  ctx: BaseContext & { env?: Readonly<Record<string, string>> },
  cmd: Cmd,
  opts: { timeoutMs?: number; input?: string } = {},
): Promise<string> {
  ctx.log(`$ ${formatCmd(cmd)}${opts.input !== undefined ? '  (input on stdin, not logged)' : ''}`);
  const { argv, env } = splitEnv(cmd, ctx.env);
  const r = await execa(argv[0], argv.slice(1), {
    cwd: REPO_ROOT,
    reject: false,
    all: true,
    cancelSignal: ctx.signal,
    timeout: opts.timeoutMs,
    // Settings from .env (e.g. GRAFANA_ADMIN_PASSWORD for compose interpolation) reach the child
    // through its environment, never its argv.
    env,
    input: opts.input,
  });
  logOutput(ctx, r.all);
  if (r.exitCode !== 0 || r.isCanceled || r.timedOut) {
    const why = r.isCanceled
      ? 'cancelled'
      : r.timedOut
        ? `timed out after ${opts.timeoutMs} ms`
        : `exit ${r.exitCode}`;
    const last = (r.all ?? '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`\`${formatCmd(cmd)}\` failed (${why})${last ? `: ${last}` : ''}; log: ${ctx.logFile}`);
  }
  return r.stdout;
}

/** Runs a read-only query; never throws on a non-zero exit (status checks must be cheap and quiet). */
export async function probe(
  ctx: Pick<BaseContext, 'signal'> & { env?: Readonly<Record<string, string>> },
  cmd: Cmd,
  timeoutMs = 15_000,
): Promise<{ ok: boolean; stdout: string }> {
  const { argv, env } = splitEnv(cmd, ctx.env);
  const r = await execa(argv[0], argv.slice(1), {
    cwd: REPO_ROOT,
    reject: false,
    cancelSignal: ctx.signal,
    timeout: timeoutMs,
    // The settings `run` gives the same command (compose interpolates the files with them).
    env,
  });
  return { ok: r.exitCode === 0, stdout: r.stdout };
}
