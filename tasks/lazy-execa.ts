// execa, imported on its first call: modules on the start-up path of `status` and a second `up`
// (targets' components, setup, tools) spawn nothing there, and execa with its dependencies is
// ~110 modules. Only for awaited calls: what it returns is a plain promise of execa's result,
// not the subprocess object (no .kill(), no streams before it settles).
import type { execa as Execa } from 'execa';

export const execa = (async (...args: Parameters<typeof Execa>) =>
  (await import('execa')).execa(...args)) as unknown as typeof Execa;
