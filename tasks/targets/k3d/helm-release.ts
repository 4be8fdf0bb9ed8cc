// Seeds 0-4, 0-5 and 0-6 on k3d: components that are Helm releases in namespace infra with
// port-forwards to their services (kube-prometheus-stack; Loki and Alloy; Tempo), whose pods
// `logs` and `restart` reach like every k3d workload's.
import type { PlatformContext } from '../../context.ts';
import { portForwardRow, stopPortForward } from '../docker/port-forward.ts';
import type { Component, ProcessRow } from '../target.ts';
import { forwardsUp, helmDeployed, planLines, runSteps } from './run-steps.ts';
import { k3dSteps } from './steps.ts';
import { workloadMethods } from './workloads.ts';

export function helmComponent(
  id: 'metrics' | 'logs' | 'traces',
  releases: string[],
  describe: string,
): Component<PlatformContext> {
  return {
    ...workloadMethods(id),
    describe,
    plan: async (ctx) => planLines(k3dSteps(ctx.env)[id]),
    async status(ctx) {
      for (const r of releases) if (!(await helmDeployed(ctx, r))) return false;
      return forwardsUp(ctx, k3dSteps(ctx.env)[id]);
    },
    up: (ctx) => runSteps(ctx, id, k3dSteps(ctx.env)[id]),
    async down(ctx) {
      for (const f of k3dSteps(ctx.env)[id].forwards) await stopPortForward(ctx, f);
    },
    async rows(ctx) {
      const steps = k3dSteps(ctx.env)[id];
      const rows: ProcessRow[] = [];
      for (const r of releases)
        rows.push({
          name: `helm ${r}`,
          state: (await helmDeployed(ctx, r)) ? 'running' : 'stopped',
          detail: 'namespace infra',
        });
      for (const f of steps.forwards) rows.push(await portForwardRow(ctx, f));
      return rows;
    },
  };
}
