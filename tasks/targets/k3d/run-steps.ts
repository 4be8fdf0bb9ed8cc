// Runs and prints a component's steps (steps.ts), and the small kubectl/helm probes the
// components' status and rows share.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { PlatformContext } from '../../context.ts';
import { UsageError } from '../../engine/task.ts';
import { REPO_ROOT } from '../../paths.ts';
import { formatCmd, probe, run } from '../docker/exec.ts';
import { portForwardCmd, portForwardUp, startPortForward } from '../docker/port-forward.ts';
import { requireTools } from '../docker/tools.ts';
import { CONTEXT } from './cluster-names.ts';
import { helm, kubectl, type Steps } from './steps.ts';

export function planLines(steps: Steps): string[] {
  return [
    ...steps.commands.map((c, i) => {
      const input = steps.inputs?.[i];
      return input ? `${formatCmd(c)}  (stdin: ${input.describe})` : formatCmd(c);
    }),
    ...steps.forwards.map(
      (f) => `${formatCmd(portForwardCmd(CONTEXT, f))}  (detached, supervised as ${f.name})`,
    ),
  ];
}

function requireFiles(files: string[], component: string): void {
  for (const f of files) {
    if (!existsSync(path.join(REPO_ROOT, f))) {
      throw new UsageError(
        `${component}: ${f} is missing; it is part of the repository (restore it with git)`,
      );
    }
  }
}

/**
 * `helm repo add/update` one at a time: metrics, logs and traces come up concurrently and share
 * Helm's repository file and index cache. Releases themselves install in parallel.
 */
let repoChain: Promise<unknown> = Promise.resolve();
function repoQueue<T>(fn: () => Promise<T>): Promise<T> {
  const next = repoChain.then(fn, fn);
  repoChain = next.catch(() => undefined);
  return next;
}

export async function runSteps(
  ctx: PlatformContext,
  id: string,
  steps: Steps,
  commands = steps.commands,
): Promise<void> {
  await requireTools(steps.tools, 'k3d');
  requireFiles(steps.files, id);
  for (const c of commands) {
    const input = steps.inputs?.[steps.commands.indexOf(c)];
    if (input) await run(ctx, c, { input: input.render(ctx.env) });
    else await (c[0] === 'helm' && c[1] === 'repo' ? repoQueue(() => run(ctx, c)) : run(ctx, c));
  }
  for (const f of steps.forwards) await startPortForward(ctx, CONTEXT, f);
}

export const forwardsUp = async (ctx: PlatformContext, steps: Steps) =>
  (await Promise.all(steps.forwards.map((f) => portForwardUp(ctx, f)))).every(Boolean);

/** A kubectl jsonpath query's answer, '' when kubectl fails (no cluster, no object). */
export const jsonpath = async (ctx: PlatformContext, ...args: string[]) => {
  const r = await probe(ctx, kubectl(...args));
  return r.ok ? r.stdout.trim() : '';
};

export async function helmDeployed(ctx: PlatformContext, release: string): Promise<boolean> {
  const r = await probe(ctx, helm('status', release, '--namespace', 'infra', '--output', 'json'));
  if (!r.ok) return false;
  return (JSON.parse(r.stdout) as { info?: { status?: string } }).info?.status === 'deployed';
}
