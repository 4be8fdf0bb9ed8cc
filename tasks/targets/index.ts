// Picks the target: an explicit --target, else k3d when a Docker engine answers, else native.
// Each target's module is imported only when it is the one chosen.
import { execFile } from 'node:child_process';
import type { PlatformContext } from '../context.ts';
import { UsageError } from '../engine/task.ts';
import { TARGET_NAMES, type Target, type TargetName } from './target.ts';

type SettingsArg = Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;

/** The target, built from the typed settings (tasks/config/settings.ts), the one config source. */
export async function createTarget(name: TargetName, settings: SettingsArg): Promise<Target<PlatformContext>> {
  switch (name) {
    case 'k3d':
      return (await import('./k3d/index.ts')).k3dTarget(await settings);
    case 'compose':
      return (await import('./compose/index.ts')).composeTarget(await settings);
    case 'native':
      return (await import('./native/index.ts')).nativeTarget(await settings);
  }
}

/**
 * A Jaeger of its own on free ports, in a temp directory (the native target's binary and
 * config), for benchmarks and tests; `stop` ends it and removes the directory.
 */
export async function startScratchJaeger() {
  return (await import('./native/scratch-jaeger.ts')).startScratchJaeger();
}

/**
 * Does a Docker engine answer? `docker info` talks to the daemon; the client alone is not enough.
 * node:child_process rather than execa: one short probe on every command's start-up path.
 */
export function dockerEngineAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 }, (err, stdout) =>
      resolve(!err && String(stdout).trim() !== ''),
    );
  });
}

export async function chooseTarget(
  requested: string | undefined,
  settings: SettingsArg,
): Promise<{ target: Target<PlatformContext>; why: string }> {
  if (requested !== undefined && requested !== 'auto') {
    if (!(TARGET_NAMES as readonly string[]).includes(requested)) {
      throw new UsageError(`unknown target '${requested}'; use one of: ${TARGET_NAMES.join(', ')} (or auto)`);
    }
    return { target: await createTarget(requested as TargetName, settings), why: 'chosen with --target' };
  }
  if (await dockerEngineAnswers())
    return { target: await createTarget('k3d', settings), why: 'a Docker engine answers' };
  return { target: await createTarget('native', settings), why: 'no Docker engine answers (docker info failed)' };
}
