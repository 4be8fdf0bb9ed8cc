// What each k3d component does on `up`, as data: prerequisite tools, files it reads, commands,
// port-forwards. `up` runs exactly these commands and `plan` prints them (run-steps.ts), with
// `--context` / `--kube-context` on every kubectl/helm call so no other cluster is ever touched.
import { UsageError } from '../../engine/task.ts';
import type { Cmd } from '../docker/exec.ts';
import type { PortForward } from '../docker/port-forward.ts';
import type { DockerTool } from '../docker/tools.ts';
import type { ComponentId } from '../target.ts';
import { K3D_KUSTOMIZATIONS, K3D_MANIFESTS } from '../../config/docker-files.ts';
import { chartFor, loadVersions } from '../../config/versions.ts';
import { CLUSTER, CLUSTER_CONFIG, CONTEXT } from './cluster-names.ts';
import { k3dPortForwards, type Env } from './ports.ts';

/** The image examples/demo-service/k8s/deployment.yaml runs (imagePullPolicy IfNotPresent). */
const DEMO_IMAGE = 'demo-service:latest';

export const kubectl = (...args: string[]): Cmd => ['kubectl', '--context', CONTEXT, ...args];
export const helm = (...args: string[]): Cmd => ['helm', '--kube-context', CONTEXT, ...args];

/** A Helm release of the k3d target: its chart, version, repository and values, from manifests/versions.yaml. */
interface Release {
  name: string;
  repo: string;
  url: string;
  chart: string;
  version: string;
  values: string;
}

function release(name: string): Release {
  const c = chartFor(loadVersions(), name);
  return { name: c.release, repo: c.repo, url: c.url, chart: c.name, version: c.version, values: c.values };
}

export const RELEASES = {
  prometheus: release('kube-prometheus-stack'),
  loki: release('loki'),
  alloy: release('alloy'),
  tempo: release('tempo'),
};

const repoAdd = (r: Release): Cmd[] => [
  ['helm', 'repo', 'add', r.repo, r.url, '--force-update'],
  ['helm', 'repo', 'update', r.repo],
];

// --version: the pinned chart, never whatever the repository published last.
const helmInstall = (r: Release, timeout = '10m'): Cmd =>
  helm(
    'upgrade',
    '--install',
    r.name,
    `${r.repo}/${r.chart}`,
    '--version',
    r.version,
    '--namespace',
    'infra',
    '--values',
    r.values,
    '--wait',
    '--timeout',
    timeout,
  );

/** What a component does on `up`, as data: prerequisite tools, files it reads, commands, port-forwards. */
export interface Steps {
  tools: DockerTool[];
  files: string[];
  commands: Cmd[];
  forwards: PortForward[];
  /** Standard input for the command at that index (secrets go here, never into argv or logs). */
  inputs?: Record<number, { describe: string; render: (env: Env) => string }>;
}

/** The Secret kube-prometheus-stack's Grafana reads its admin login from (values.yaml: existingSecret). */
export function grafanaAdminSecret(env: Env): string {
  const password = env.GRAFANA_ADMIN_PASSWORD;
  if (!password || password === '<generated>') {
    throw new UsageError(
      'GRAFANA_ADMIN_PASSWORD is not set in .env; run `npx tsx tasks.ts dev-setup` to generate one',
    );
  }
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'grafana-admin', namespace: 'infra' },
    type: 'Opaque',
    stringData: { 'admin-user': env.GRAFANA_ADMIN_USER ?? 'admin', 'admin-password': password },
  });
}

const clusterSteps = (): Steps => ({
  tools: ['docker', 'k3d', 'kubectl'],
  files: [CLUSTER_CONFIG, `${K3D_KUSTOMIZATIONS.namespaces}/kustomization.yaml`],
  commands: [
    // K3D_FIX_MOUNTS=1 makes / a shared mount in the node containers: node-exporter's
    // HostToContainer root mount needs it on Docker Desktop (k3d v5.9 defaults it on; an
    // older k3d or K3D_FIX_MOUNTS=0 in the shell would not).
    ['K3D_FIX_MOUNTS=1', 'k3d', 'cluster', 'create', '--config', CLUSTER_CONFIG],
    kubectl('wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=120s'),
    kubectl('apply', '-k', K3D_KUSTOMIZATIONS.namespaces),
  ],
  forwards: [],
});

const eventBusSteps = (): Steps => ({
  tools: ['kubectl'],
  files: [`${K3D_KUSTOMIZATIONS.redpanda}/kustomization.yaml`],
  commands: [
    // A Job's template is immutable; the topic script is idempotent, so re-running it is safe.
    kubectl('--namespace', 'infra', 'delete', 'job', 'redpanda-create-topics', '--ignore-not-found'),
    kubectl('apply', '-k', K3D_KUSTOMIZATIONS.redpanda),
    kubectl('--namespace', 'infra', 'rollout', 'status', 'statefulset/redpanda', '--timeout=300s'),
    kubectl(
      '--namespace',
      'infra',
      'wait',
      '--for=condition=complete',
      'job/redpanda-create-topics',
      '--timeout=300s',
    ),
  ],
  forwards: [],
});

const metricsSteps = (forwards: PortForward[]): Steps => ({
  tools: ['kubectl', 'helm'],
  files: [RELEASES.prometheus.values, K3D_MANIFESTS.grafana, K3D_MANIFESTS.prometheusObjects],
  commands: [
    // Grafana's admin login from the settings, applied from stdin before the chart reads it.
    kubectl('--namespace', 'infra', 'apply', '-f', '-'),
    ...repoAdd(RELEASES.prometheus),
    helmInstall(RELEASES.prometheus),
    // Dashboards and datasources as ConfigMaps, picked up by the Grafana sidecar.
    kubectl('--namespace', 'infra', 'apply', '-f', K3D_MANIFESTS.grafana),
    // The lag exporter and the PrometheusRules (a CRD the chart installs, so after it).
    kubectl('--namespace', 'infra', 'apply', '-f', K3D_MANIFESTS.prometheusObjects),
  ],
  forwards,
  inputs: {
    0: { describe: 'Secret grafana-admin from GRAFANA_ADMIN_PASSWORD', render: grafanaAdminSecret },
  },
});

const demoSteps = (forwards: PortForward[]): Steps => ({
  tools: ['docker', 'k3d', 'kubectl'],
  files: ['examples/demo-service/Dockerfile', K3D_MANIFESTS.demo],
  commands: [
    ['docker', 'build', '--tag', DEMO_IMAGE, 'examples/demo-service'],
    // Into the nodes' image store directly: no registry push, works offline after the build.
    ['k3d', 'image', 'import', DEMO_IMAGE, '--cluster', CLUSTER],
    kubectl('--namespace', 'services', 'apply', '-f', K3D_MANIFESTS.demo),
    kubectl('--namespace', 'services', 'rollout', 'status', 'deployment/demo-service', '--timeout=180s'),
  ],
  forwards,
});

export function k3dSteps(env: Env): Record<Exclude<ComponentId, 'compose-stack'>, Steps> {
  const fwd = k3dPortForwards(env);
  return {
    cluster: clusterSteps(),
    'event-bus': eventBusSteps(),
    metrics: metricsSteps(fwd.metrics),
    logs: {
      tools: ['kubectl', 'helm'],
      files: [RELEASES.loki.values, RELEASES.alloy.values],
      commands: [
        ...repoAdd(RELEASES.loki),
        ...repoAdd(RELEASES.alloy),
        helmInstall(RELEASES.loki),
        helmInstall(RELEASES.alloy),
      ],
      forwards: fwd.logs,
    },
    traces: {
      tools: ['kubectl', 'helm'],
      files: [RELEASES.tempo.values],
      commands: [...repoAdd(RELEASES.tempo), helmInstall(RELEASES.tempo)],
      forwards: fwd.traces,
    },
    demo: demoSteps(fwd.demo),
  };
}
