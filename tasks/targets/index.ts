// Picks the target: an explicit --target, else k3d when a Docker engine answers, else native.
import { execa } from 'execa';
import type { PlatformContext } from '../context.ts';
import { UsageError } from '../engine/task.ts';
import { composeTarget } from './compose/index.ts';
import { k3dTarget } from './k3d/index.ts';
import { nativeTarget } from './native/index.ts';
import { TARGET_NAMES, type Target, type TargetName } from './target.ts';

export function createTarget(name: TargetName): Target<PlatformContext> {
  switch (name) {
    case 'k3d':
      return k3dTarget();
    case 'compose':
      return composeTarget();
    case 'native':
      return nativeTarget();
  }
}

/** Does a Docker engine answer? `docker info` talks to the daemon; the client alone is not enough. */
export async function dockerEngineAnswers(): Promise<boolean> {
  const r = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 5_000 });
  return r.exitCode === 0 && r.stdout.trim() !== '';
}

export async function chooseTarget(
  requested: string | undefined,
): Promise<{ target: Target<PlatformContext>; why: string }> {
  if (requested !== undefined && requested !== 'auto') {
    if (!(TARGET_NAMES as readonly string[]).includes(requested)) {
      throw new UsageError(`unknown target '${requested}'; use one of: ${TARGET_NAMES.join(', ')} (or auto)`);
    }
    return { target: createTarget(requested as TargetName), why: 'chosen with --target' };
  }
  if (await dockerEngineAnswers()) return { target: createTarget('k3d'), why: 'a Docker engine answers' };
  return { target: createTarget('native'), why: 'no Docker engine answers (docker info failed)' };
}
