// The one place a command's target is chosen: main.ts builds this chooser from the command's
// flags and hands it to the command (CliIO.target); the session, `doctor` and `dev-setup` ask it
// and never choose themselves. The first call chooses (--target, else the Docker probe in
// tasks/targets/index.ts), later calls get the same target; a command that never asks costs
// no probe.
import type { ParsedArgs } from './command.ts';
import { str } from './options.ts';
import { runtime } from './runtime.ts';
import type { PlatformContext } from '../context.ts';
import { resolvePaths } from '../paths.ts';
import type { Target } from '../targets/target.ts';

export interface ChosenTarget {
  target: Target<PlatformContext>;
  /** Why this one: 'chosen with --target', 'a Docker engine answers', … */
  why: string;
  /** The settings the target was built from (its components read the same values as ctx.env). */
  env: Readonly<Record<string, string>>;
}

/**
 * `settings`: the target is built from the loaded settings (.env + environment; a broken .env is
 * a usage error). `defaults`: from none, for commands that read only the target's tool list and
 * must work before .env exists or while it is broken (`doctor`).
 */
export type TargetSettings = 'settings' | 'defaults';

export function targetChooser(
  args: ParsedArgs,
  from: TargetSettings = 'settings',
): () => Promise<ChosenTarget> {
  let chosen: Promise<ChosenTarget> | undefined;
  const choose = async (): Promise<ChosenTarget> => {
    const settings = from === 'settings' ? runtime().loadEnv(resolvePaths()) : Promise.resolve({});
    // Independent: the Docker probe waits on a child process while the settings load.
    const [{ target, why }, env] = await Promise.all([
      runtime().chooseTarget(str(args, 'target'), settings),
      settings,
    ]);
    return { target, why, env };
  };
  return () => (chosen ??= choose());
}
