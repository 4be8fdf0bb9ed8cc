// Seed task 0-4: Metrics: Prometheus and Grafana. The target's `metrics` component brings up
// Prometheus (native: our own supervised process plus node and consumer-lag exporters; k3d:
// kube-prometheus-stack; compose: the stack's containers); verify runs the shared checks in
// validation/metrics-checks.ts against the target's endpoints.
import { metricsChecks } from '../../validation/metrics-checks.ts';
import { component, defineTask, providedBy } from './define.ts';
import { cluster } from './02-cluster.ts';
import { eventBus } from './03-event-bus.ts';

export const metrics = defineTask({
  id: '0-4',
  name: 'metrics',
  title: 'Metrics: Prometheus and Grafana',
  // The event bus first: Prometheus scrapes the broker and the lag exporter reads its offsets.
  needs: [cluster, eventBus],
  applies: providedBy('metrics'),
  status: (ctx) => component(ctx, 'metrics').status(ctx),
  run: (ctx) => component(ctx, 'metrics').up(ctx),
  verify: (ctx) =>
    metricsChecks({
      root: ctx.paths.root,
      endpoints: ctx.target.endpoints(),
      env: ctx.env,
      signal: ctx.signal,
    }),
  timeoutMs: 180_000,
});
