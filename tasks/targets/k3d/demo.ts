// Seed 0-13 on k3d: the demo service built into an image, imported into the nodes and run as a
// Deployment in namespace services, reached through a port-forward.
import type { PlatformContext } from '../../context.ts';
import { portForwardRow, stopPortForward } from '../docker/port-forward.ts';
import type { Component, ProcessRow } from '../target.ts';
import { forwardsUp, jsonpath, planLines, runSteps } from './run-steps.ts';
import { k3dSteps } from './steps.ts';

const demoReadyReplicas = (ctx: PlatformContext) =>
  jsonpath(
    ctx,
    '--namespace',
    'services',
    'get',
    'deployment',
    'demo-service',
    '--output',
    'jsonpath={.status.readyReplicas}',
  );

export function demoComponent(): Component<PlatformContext> {
  return {
    plan: async (ctx) => planLines(k3dSteps(ctx.env).demo),
    async status(ctx) {
      const ready = await demoReadyReplicas(ctx);
      return Number(ready) >= 1 && (await forwardsUp(ctx, k3dSteps(ctx.env).demo));
    },
    up: (ctx) => runSteps(ctx, 'demo', k3dSteps(ctx.env).demo),
    async down(ctx) {
      for (const f of k3dSteps(ctx.env).demo.forwards) await stopPortForward(ctx, f);
    },
    async rows(ctx) {
      const ready = await demoReadyReplicas(ctx);
      const rows: ProcessRow[] = [
        {
          name: 'deployment demo-service',
          state: Number(ready) >= 1 ? 'running' : 'stopped',
          detail: `namespace services, ${Number(ready) || 0} ready`,
        },
      ];
      for (const f of k3dSteps(ctx.env).demo.forwards) rows.push(await portForwardRow(ctx, f));
      return rows;
    },
  };
}
