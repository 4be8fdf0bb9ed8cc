// `logs` natively: every supervised process appends its output to <logs>/<name>.log, and a
// component's processes are the rows `status` shows for it. So each component that has rows gets
// its log sources from them, with no list per component: one added later has logs at once.
import type { PlatformContext } from '../../context.ts';
import type { Component, ComponentId } from '../target.ts';
import { logFileOf } from './supervisor.ts';

type Components = Partial<Record<ComponentId, Component<PlatformContext>>>;

export function withProcessLogs(components: Components): Components {
  return Object.fromEntries(
    Object.entries(components).map(([id, c]) => [
      id,
      c?.rows && !c.logs
        ? Object.assign(c, {
            logs: async (ctx: PlatformContext) =>
              (await c.rows!(ctx)).map((r) => ({ name: r.name, file: logFileOf(ctx.paths, r.name) })),
          })
        : c,
    ]),
  ) as Components;
}
