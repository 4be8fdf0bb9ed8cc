// Seed 0-3 on k3d: Redpanda as a StatefulSet with its topic Job. `down` scales it to zero, so
// the PVC (and every message) stays.
import type { PlatformContext } from '../../context.ts';
import { run } from '../docker/exec.ts';
import { requireTools } from '../docker/tools.ts';
import type { Component } from '../target.ts';
import { jsonpath, planLines, runSteps } from './run-steps.ts';
import { k3dSteps, kubectl } from './steps.ts';

const infra = (ctx: PlatformContext, ...args: string[]) => jsonpath(ctx, '--namespace', 'infra', ...args);

export function eventBusComponent(): Component<PlatformContext> {
  return {
    plan: async (ctx) => planLines(k3dSteps(ctx.env)['event-bus']),
    async status(ctx) {
      const ready = await infra(
        ctx,
        'get',
        'statefulset',
        'redpanda',
        '--output',
        'jsonpath={.status.readyReplicas}',
      );
      const done = await infra(
        ctx,
        'get',
        'job',
        'redpanda-create-topics',
        '--output',
        'jsonpath={.status.succeeded}',
      );
      return ready === '1' && done === '1';
    },
    up: (ctx) => runSteps(ctx, 'event-bus', k3dSteps(ctx.env)['event-bus']),
    async down(ctx) {
      // Scale to zero: the PVC (and so every message) stays; `up` applies replicas 1 again.
      await requireTools(['kubectl'], 'k3d');
      await run(ctx, kubectl('--namespace', 'infra', 'scale', 'statefulset/redpanda', '--replicas=0'));
    },
    async rows(ctx) {
      const pod = (path: string) => infra(ctx, 'get', 'pod', 'redpanda-0', '--output', `jsonpath={${path}}`);
      const ready = await pod('.status.containerStatuses[0].ready');
      const started = await pod('.status.startTime');
      return [
        {
          name: 'redpanda-0',
          state: ready === 'true' ? 'running' : started ? 'unhealthy' : 'stopped',
          port: 19092,
          ...(started ? { uptimeMs: Date.now() - Date.parse(started) } : {}),
          detail: 'StatefulSet infra/redpanda, PVC 10Gi',
        },
      ];
    },
  };
}
