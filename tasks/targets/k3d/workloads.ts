// `logs` and `restart` on k3d: each component's workloads, by the name `logs` shows them, and the
// kubectl lines that read their pods' logs (`kubectl logs --timestamps`) or restart them in place
// (`kubectl rollout restart`, then `rollout status` as `up` waits). Helm releases are found by
// the chart's standard label app.kubernetes.io/instance; kube-prometheus-stack's Prometheus pods
// carry its custom resource's name there (<release>-prometheus), so that name is selected too.
import type { PlatformContext } from '../../context.ts';
import { formatCmd, run, type Cmd } from '../docker/exec.ts';
import { requireTools } from '../docker/tools.ts';
import type { Component, ComponentId, LogQuery } from '../target.ts';
import { RELEASES, kubectl } from './steps.ts';

/** A workload, or a Helm release's workloads by label. */
export interface Workload {
  name: string;
  namespace: string;
  /** `statefulset/redpanda`, or a label selector over the release's workloads. */
  ref: { resource: string } | { selector: string };
}

const release = (name: string, instances: string[] = [name]): Workload => ({
  name,
  namespace: 'infra',
  ref: {
    selector:
      instances.length === 1
        ? `app.kubernetes.io/instance=${instances[0]}`
        : `app.kubernetes.io/instance in (${instances.join(',')})`,
  },
});

export const WORKLOADS: Partial<Record<ComponentId, Workload[]>> = {
  'event-bus': [{ name: 'redpanda', namespace: 'infra', ref: { resource: 'statefulset/redpanda' } }],
  metrics: [
    release(RELEASES.prometheus.name, [RELEASES.prometheus.name, `${RELEASES.prometheus.name}-prometheus`]),
  ],
  logs: [release(RELEASES.loki.name), release(RELEASES.alloy.name)],
  traces: [release(RELEASES.tempo.name)],
  demo: [{ name: 'demo-service', namespace: 'services', ref: { resource: 'deployment/demo-service' } }],
};

/** `kubectl logs` of a workload's pods, every container, each line after its RFC 3339 stamp. */
export function k3dLogsCmd(w: Workload, q: LogQuery): Cmd {
  const which =
    'resource' in w.ref
      ? [w.ref.resource]
      : // A selector reads at most --max-log-requests pods at once when following.
        ['--selector', w.ref.selector, '--max-log-requests', '20'];
  return kubectl(
    '--namespace',
    w.namespace,
    'logs',
    ...which,
    '--all-containers',
    '--timestamps',
    '--prefix=false',
    // With a selector kubectl keeps only 10 lines unless told: -1 is every line.
    `--tail=${q.tail ?? -1}`,
    ...(q.sinceMs === undefined ? [] : [`--since-time=${new Date(q.sinceMs).toISOString()}`]),
    ...(q.follow ? ['--follow'] : []),
  );
}

/** Rolling restart of the workloads, then wait for the rollout as `up` does. */
export function k3dRestartCmds(w: Workload): Cmd[] {
  const target =
    'resource' in w.ref
      ? [w.ref.resource]
      : ['deployment,statefulset,daemonset', '--selector', w.ref.selector];
  return [
    kubectl('--namespace', w.namespace, 'rollout', 'restart', ...target),
    kubectl('--namespace', w.namespace, 'rollout', 'status', ...target, '--timeout=300s'),
  ];
}

/** The `logs` and `restart` of a k3d component (the cluster itself has neither). */
export function workloadMethods(id: ComponentId): Pick<Component<PlatformContext>, 'logs' | 'restart'> {
  const ws = WORKLOADS[id] ?? [];
  return {
    logs: async (_ctx, q) => ws.map((w) => ({ name: w.name, command: k3dLogsCmd(w, q) })),
    async restart(ctx, { dryRun }) {
      const cmds = ws.flatMap(k3dRestartCmds);
      if (!dryRun && cmds.length) {
        await requireTools(['kubectl'], 'k3d');
        for (const c of cmds) await run(ctx, c);
      }
      return cmds.map(formatCmd);
    },
  };
}
