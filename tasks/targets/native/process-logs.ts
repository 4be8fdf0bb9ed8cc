// `logs` natively: every supervised process appends its output to <logs>/<name>.log, and a
// component's processes are the rows `status` shows for it. So each component that has rows gets
// its log sources from them: one added later has logs at once. A component that declares its
// `processes` (a unit test keeps them equal to its rows) is not asked for rows, which probe.
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
              (c.processes ?? (await c.rows!(ctx)).map((r) => r.name)).map((name) => ({
                name,
                file: logFileOf(ctx.paths, name),
              })),
          })
        : c,
    ]),
  ) as Components;
}
