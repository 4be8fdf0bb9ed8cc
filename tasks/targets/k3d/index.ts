// The k3d target: a k3d cluster, Redpanda as a StatefulSet, kube-prometheus-stack, Loki, Alloy
// and Tempo by Helm, the demo service as a Deployment. A file per component (cluster.ts,
// event-bus.ts, helm-release.ts for metrics/logs/traces, demo.ts); what each runs on `up` is the
// data in steps.ts, which `plan` prints and run-steps.ts runs; `logs`/`restart` in workloads.ts.
import type { PlatformContext } from '../../context.ts';
import type { Settings } from '../../config/settings.ts';
import { TOOLS } from '../docker/tools.ts';
import type { Target } from '../target.ts';
import { clusterChecks } from './checks.ts';
import { clusterComponent } from './cluster.ts';
import { demoDeployedCheck } from './demo-check.ts';
import { demoComponent } from './demo.ts';
import { eventBusComponent } from './event-bus.ts';
import { helmComponent } from './helm-release.ts';
import { k3dEndpoints } from './ports.ts';
import { RELEASES } from './steps.ts';
import { workloadMethods } from './workloads.ts';

export { CLUSTER, CLUSTER_CONFIG, CONTEXT } from './cluster-names.ts';
export { clusterInfo, destroyCluster } from './cluster.ts';
export { k3dEndpoints, k3dPortForwards, k3dPorts } from './ports.ts';
export { grafanaAdminSecret, k3dSteps } from './steps.ts';

/** The k3d target, from the typed settings (tasks/config/settings.ts): the same values its components get as ctx.env. */
export function k3dTarget(settings: Settings): Target<PlatformContext> {
  return {
    name: 'k3d',
    describe: 'k3d cluster: Redpanda StatefulSet, kube-prometheus-stack, Loki + Alloy, Tempo (Helm)',
    endpoints: () => k3dEndpoints(settings),
    components: {
      cluster: { ...clusterComponent(), checks: clusterChecks, describe: 'k3d (k3s in Docker)' },
      'event-bus': {
        ...eventBusComponent(),
        ...workloadMethods('event-bus'),
        describe: 'Redpanda StatefulSet',
      },
      metrics: helmComponent(
        'metrics',
        [RELEASES.prometheus.name],
        'kube-prometheus-stack by Helm (Prometheus, Grafana)',
      ),
      logs: helmComponent('logs', [RELEASES.loki.name, RELEASES.alloy.name], 'Loki and Alloy by Helm'),
      traces: helmComponent('traces', [RELEASES.tempo.name], 'Tempo by Helm'),
      demo: {
        ...demoComponent(),
        ...workloadMethods('demo'),
        checks: async (ctx) => [await demoDeployedCheck.run(ctx)],
        describe: 'demo-service Deployment',
      },
    },
    tools: [TOOLS.docker, TOOLS.k3d, TOOLS.kubectl, TOOLS.helm],
    // REQ-0.1: the cluster starts in under 2 minutes.
    facts: async () => ({ startBoundS: 120 }),
  };
}
