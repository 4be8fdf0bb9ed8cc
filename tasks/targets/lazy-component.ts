// A component whose module is imported on its first call, so a target can list all of its
// components without loading every client library they use (`--help`, `status` and a second
// `up` stay quick). `methods` names what the real component provides beyond status/up: a caller
// asks `if (c.rows)` before calling, so the wrapper must offer exactly those (a unit test keeps
// each declaration equal to the loaded component).
import type { BaseContext } from '../engine/task.ts';
import type { Component } from './target.ts';

export type OptionalMethod =
  'install' | 'down' | 'rows' | 'plan' | 'facts' | 'checks' | 'identity' | 'restartProcess';

export function lazyComponent<Ctx extends BaseContext>(
  info: {
    describe?: string;
    processes?: readonly string[];
    restartsAlone?: readonly string[];
    methods: readonly OptionalMethod[];
  },
  load: () => Promise<Component<Ctx>>,
): Component<Ctx> & { load: () => Promise<Component<Ctx>> } {
  let loaded: Promise<Component<Ctx>> | undefined;
  const real = () => (loaded ??= load());
  const call =
    <M extends 'status' | 'up' | OptionalMethod>(m: M) =>
    async (ctx: Ctx, ...rest: unknown[]) => {
      const c = await real();
      const f = c[m] as ((ctx: Ctx, ...rest: unknown[]) => Promise<unknown>) | undefined;
      if (!f) throw new Error(`component declares ${m} but its module does not provide it`);
      return f.call(c, ctx, ...rest);
    };
  const c: Component<Ctx> & { load: () => Promise<Component<Ctx>> } = {
    ...(info.describe ? { describe: info.describe } : {}),
    ...(info.processes ? { processes: info.processes } : {}),
    ...(info.restartsAlone ? { restartsAlone: info.restartsAlone } : {}),
    load: real,
    status: call('status') as Component<Ctx>['status'],
    up: call('up') as Component<Ctx>['up'],
  };
  for (const m of info.methods) (c as unknown as Record<string, unknown>)[m] = call(m);
  return c;
}
