// Seed task 0-2: Kubernetes cluster (k3d). Creates (or starts) the cluster from
// manifests/k3d/cluster.yaml, waits for three nodes Ready and applies the namespaces; an
// existing healthy cluster is left alone (status). Applies only where the target has a cluster.
import { defineTask, targetChecks } from '../define.ts';
export const cluster = defineTask({
  id: '0-2',
  name: 'cluster',
  title: 'Kubernetes cluster',
  needs: ['0-1'],
  component: 'cluster',
  // The cluster's checks (nodes, memory, start time) are the k3d target's own: tasks/targets/k3d/checks.ts.
  verify: (ctx) => targetChecks(ctx, 'cluster'),
  // k3d waits up to 120 s itself (options.k3d.timeout); image pulls on a first run add to it.
  timeoutMs: 6 * 60_000,
});
