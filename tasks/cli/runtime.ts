// What the CLI runs against: the task list, how a target is chosen, how settings are loaded.
// The defaults are the real ones (phase-0 graph, Docker probe, .env); tests and fixtures pass
// their own to main() so the same CLI drives a synthetic graph.
import type { PlatformContext, Paths } from '../context.ts';
import type { Task } from '../engine/task.ts';
import type { Target } from '../targets/target.ts';

export interface Runtime {
  tasks: () => Promise<readonly Task<PlatformContext>[]>;
  chooseTarget: (
    requested: string | undefined,
    /** The target is built from them; a promise so the Docker probe need not wait for them. */
    settings: Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>,
  ) => Promise<{ target: Target<PlatformContext>; why: string }>;
  loadEnv: (paths: Paths) => Promise<Readonly<Record<string, string>>>;
}

const defaults: Runtime = {
  tasks: async () => (await import('../phase0/index.ts')).phase0,
  chooseTarget: async (requested, settings) => (await import('../targets/index.ts')).chooseTarget(requested, settings),
  loadEnv: async (paths) => (await import('../config/settings.ts')).loadSettings({ root: paths.root }),
};

let current: Runtime = defaults;

export const runtime = (): Runtime => current;

export function setRuntime(overrides: Partial<Runtime> | undefined): void {
  current = { ...defaults, ...overrides };
}
