// The k3d target: a k3d cluster, Redpanda as a StatefulSet, kube-prometheus-stack, Loki, Alloy
// and Tempo by Helm, the demo service as a Deployment. Every component's `up` runs exactly the
// commands its `plan` prints (both come from the same step lists below), with `--context` /
// `--kube-context` on every kubectl/helm call so no other cluster is ever touched.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import type { PlatformContext } from '../../context.ts';
import type { Settings } from '../../config/settings.ts';
import { UsageError } from '../../engine/task.ts';
import { REPO_ROOT } from '../../paths.ts';
import { formatCmd, probe, run, type Cmd } from '../docker/exec.ts';
import {
  portForwardCmd,
  portForwardRow,
  portForwardUp,
  startPortForward,
  stopPortForward,
  type PortForward,
} from '../docker/port-forward.ts';
import { recordTiming } from '../docker/timings.ts';
import { installDockerTools, requireTools, TOOLS, type DockerTool } from '../docker/tools.ts';
import { unavailable, type Component, type ComponentId, type Endpoints, type ProcessRow, type Target } from '../target.ts';
import { K3D_KUSTOMIZATIONS, K3D_MANIFESTS } from '../../config/docker-files.ts';
import { chartFor, loadVersions } from '../../config/versions.ts';

export { CLUSTER, CLUSTER_CONFIG, CONTEXT } from './cluster-names.ts';
import { CLUSTER, CLUSTER_CONFIG, CONTEXT } from './cluster-names.ts';
import { clusterChecks } from './checks.ts';
import { demoDeployedCheck } from './demo-check.ts';
/** The image examples/demo-service/k8s/deployment.yaml runs (imagePullPolicy IfNotPresent). */
const DEMO_IMAGE = 'demo-service:latest';

type Env = Readonly<Record<string, string | undefined>>;
const port = (env: Env, key: string, dflt: number) => Number(env[key] ?? dflt);

/** Host ports: the seed's defaults, overridable like on the native target. Kafka is fixed by the cluster config. */
export function k3dPorts(env: Env) {
  return {
    kafka: 19092,
    prometheus: port(env, 'PROMETHEUS_PORT', 9090),
    grafana: port(env, 'GRAFANA_PORT', 3000),
    loki: port(env, 'LOKI_PORT', 3100),
    tempo: port(env, 'TEMPO_PORT', 3200),
    otlpGrpc: port(env, 'OTLP_GRPC_PORT', 4317),
    demo: port(env, 'DEMO_PORT', 8000),
  };
}

export function k3dEndpoints(env: Env): Endpoints {
  const p = k3dPorts(env);
  const http = (n: number) => ({ url: `http://127.0.0.1:${n}` });
  return {
    kafka: { url: `127.0.0.1:${p.kafka}` },
    prometheus: http(p.prometheus),
    otlpGrpc: http(p.otlpGrpc),
    traceQuery: http(p.tempo),
    logsql: unavailable('LogsQL (VictoriaLogs) is the native target\'s log store; this target stores logs in Loki'),
    grafana: http(p.grafana),
    loki: http(p.loki),
    tempo: http(p.tempo),
    demo: http(p.demo),
  };
}

const kubectl = (...args: string[]): Cmd => ['kubectl', '--context', CONTEXT, ...args];
const helm = (...args: string[]): Cmd => ['helm', '--kube-context', CONTEXT, ...args];

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

const RELEASES = {
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

/** Port-forwards per component, from the host ports in `env`. */
export function k3dPortForwards(env: Env) {
  const p = k3dPorts(env);
  const pf = (name: string, namespace: string, resource: string, ports: [number, number][]): PortForward => ({
    name: `pf-${name}`,
    namespace,
    resource,
    ports,
  });
  return {
    metrics: [
      pf('prometheus', 'infra', 'svc/kube-prometheus-stack-prometheus', [[p.prometheus, 9090]]),
      pf('grafana', 'infra', 'svc/kube-prometheus-stack-grafana', [[p.grafana, 80]]),
    ],
    logs: [pf('loki', 'infra', 'svc/loki', [[p.loki, 3100]])],
    traces: [
      pf('tempo', 'infra', 'svc/tempo', [
        [p.tempo, 3200],
        [p.otlpGrpc, 4317],
      ]),
    ],
    demo: [pf('demo', 'services', 'svc/demo-service', [[p.demo, 8000]])],
  } satisfies Partial<Record<ComponentId, PortForward[]>>;
}

/** What a component does on `up`, as data: prerequisite tools, files it reads, commands, port-forwards. */
interface Steps {
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

export function k3dSteps(env: Env) {
  const fwd = k3dPortForwards(env);
  return {
    cluster: {
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
    },
    'event-bus': {
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
    },
    metrics: {
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
      forwards: fwd.metrics,
      inputs: {
        0: { describe: 'Secret grafana-admin from GRAFANA_ADMIN_PASSWORD', render: grafanaAdminSecret },
      },
    },
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
    demo: {
      tools: ['docker', 'k3d', 'kubectl'],
      files: ['examples/demo-service/Dockerfile', K3D_MANIFESTS.demo],
      commands: [
        ['docker', 'build', '--tag', DEMO_IMAGE, 'examples/demo-service'],
        // Into the nodes' image store directly: no registry push, works offline after the build.
        ['k3d', 'image', 'import', DEMO_IMAGE, '--cluster', CLUSTER],
        kubectl('--namespace', 'services', 'apply', '-f', K3D_MANIFESTS.demo),
        kubectl('--namespace', 'services', 'rollout', 'status', 'deployment/demo-service', '--timeout=180s'),
      ],
      forwards: fwd.demo,
    },
  } satisfies Record<Exclude<ComponentId, 'compose-stack'>, Steps>;
}

function planLines(steps: Steps): string[] {
  return [
    ...steps.commands.map((c, i) => {
      const input = steps.inputs?.[i];
      return input ? `${formatCmd(c)}  (stdin: ${input.describe})` : formatCmd(c);
    }),
    ...steps.forwards.map(
      (f) => `${formatCmd(portForwardCmd(CONTEXT, f))}  (detached, supervised as ${f.name})`,
    ),
  ];
}

function requireFiles(files: string[], component: string): void {
  for (const f of files) {
    if (!existsSync(path.join(REPO_ROOT, f))) {
      throw new UsageError(
        `${component}: ${f} is missing; it is part of the repository (restore it with git)`,
      );
    }
  }
}

/**
 * `helm repo add/update` one at a time: metrics, logs and traces come up concurrently and share
 * Helm's repository file and index cache. Releases themselves install in parallel.
 */
let repoChain: Promise<unknown> = Promise.resolve();
function repoQueue<T>(fn: () => Promise<T>): Promise<T> {
  const next = repoChain.then(fn, fn);
  repoChain = next.catch(() => undefined);
  return next;
}

async function runSteps(
  ctx: PlatformContext,
  id: string,
  steps: Steps,
  commands = steps.commands,
): Promise<void> {
  await requireTools(steps.tools, 'k3d');
  requireFiles(steps.files, id);
  for (const c of commands) {
    const input = steps.inputs?.[steps.commands.indexOf(c)];
    if (input) await run(ctx, c, { input: input.render(ctx.env) });
    else await (c[0] === 'helm' && c[1] === 'repo' ? repoQueue(() => run(ctx, c)) : run(ctx, c));
  }
  for (const f of steps.forwards) await startPortForward(ctx, CONTEXT, f);
}

const forwardsUp = async (ctx: PlatformContext, steps: Steps) =>
  (await Promise.all(steps.forwards.map((f) => portForwardUp(ctx, f)))).every(Boolean);

interface K3dClusterInfo {
  name: string;
  serversCount?: number;
  serversRunning?: number;
  agentsCount?: number;
  agentsRunning?: number;
}

/** The cluster as k3d lists it, or undefined when it does not exist (or k3d/docker cannot answer). */
export async function clusterInfo(ctx: Pick<PlatformContext, 'signal'>): Promise<K3dClusterInfo | undefined> {
  const r = await probe(ctx, ['k3d', 'cluster', 'list', CLUSTER, '--output', 'json']);
  if (!r.ok) return undefined;
  try {
    return (JSON.parse(r.stdout) as K3dClusterInfo[]).find((c) => c.name === CLUSTER);
  } catch {
    return undefined;
  }
}

async function readyNodeCount(ctx: Pick<PlatformContext, 'signal'>): Promise<number> {
  const r = await probe(ctx, kubectl('get', 'nodes', '--output', 'json'));
  if (!r.ok) return 0;
  const nodes = (
    JSON.parse(r.stdout) as { items: { status: { conditions?: { type: string; status: string }[] } }[] }
  ).items;
  return nodes.filter((n) => n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .length;
}

const jsonpath = async (ctx: PlatformContext, ...args: string[]) => {
  const r = await probe(ctx, kubectl(...args));
  return r.ok ? r.stdout.trim() : '';
};

async function helmDeployed(ctx: PlatformContext, release: string): Promise<boolean> {
  const r = await probe(ctx, helm('status', release, '--namespace', 'infra', '--output', 'json'));
  if (!r.ok) return false;
  return (JSON.parse(r.stdout) as { info?: { status?: string } }).info?.status === 'deployed';
}

function clusterComponent(): Component<PlatformContext> {
  return {
    /** dev-setup: builds k3d and Helm when missing; Docker and kubectl must come from the system. */
    async install(ctx) {
      const results = await installDockerTools({ signal: ctx.signal, log: ctx.log });
      for (const r of results) ctx.log(`${r.tool}: ${r.action} (${r.detail})`);
      const missing = results.filter((r) => r.action === 'skipped');
      if (missing.length) {
        throw new UsageError(missing.map((r) => `${r.tool} not found on PATH: ${r.detail}`).join('; '));
      }
    },
    plan: async (ctx) => planLines(k3dSteps(ctx.env).cluster),
    async status(ctx) {
      const info = await clusterInfo(ctx);
      if (!info || info.serversRunning !== 1 || info.agentsRunning !== 2) return false;
      if ((await readyNodeCount(ctx)) !== 3) return false;
      return (await probe(ctx, kubectl('get', 'namespace', 'infra', 'services', '--output', 'name'))).ok;
    },
    async up(ctx) {
      const steps = k3dSteps(ctx.env).cluster;
      await requireTools(steps.tools, 'k3d');
      if (!(await probe(ctx, ['docker', 'info', '--format', '{{.ServerVersion}}'])).ok) {
        throw new UsageError(
          `the Docker engine does not answer (docker info failed): ${TOOLS.docker.install}`,
        );
      }
      // An existing cluster is started, never recreated: its data (PVCs) must survive.
      const existing = await clusterInfo(ctx);
      const first: Cmd = existing ? ['k3d', 'cluster', 'start', CLUSTER] : steps.commands[0]!;
      const t0 = performance.now();
      await runSteps(ctx, 'cluster', steps, [first, ...steps.commands.slice(1)]);
      await recordTiming(ctx.paths, existing ? 'k3d-cluster-start' : 'k3d-cluster-create', {
        ms: Math.round(performance.now() - t0),
        command: `${formatCmd(first)} + nodes Ready + namespaces`,
      });
    },
    async down(ctx) {
      await requireTools(['k3d'], 'k3d');
      const env = ctx.env;
      for (const f of Object.values(k3dPortForwards(env)).flat()) await stopPortForward(ctx, f);
      if (await clusterInfo(ctx)) await run(ctx, ['k3d', 'cluster', 'stop', CLUSTER]);
    },
    async rows(ctx) {
      const r = await probe(ctx, ['k3d', 'node', 'list', '--output', 'json']);
      if (!r.ok)
        return [
          {
            name: `k3d cluster ${CLUSTER}`,
            state: 'stopped',
            detail: 'k3d node list failed (no cluster or no Docker engine)',
          },
        ];
      type Node = { name: string; role: string; State?: { Running?: boolean; Status?: string } };
      return (JSON.parse(r.stdout) as Node[])
        .filter((n) => n.name.startsWith(`k3d-${CLUSTER}-`))
        .map((n): ProcessRow => ({
          name: n.name,
          state: n.State?.Running ? 'running' : 'stopped',
          detail: `${n.role}${n.State?.Status ? `, ${n.State.Status}` : ''}`,
        }));
    },
  };
}

/** Removes the cluster and its volumes (`clean`; the seed's cluster-destroy). */
export async function destroyCluster(ctx: PlatformContext): Promise<void> {
  await requireTools(['k3d'], 'k3d');
  for (const f of Object.values(k3dPortForwards(ctx.env)).flat()) await stopPortForward(ctx, f);
  if (await clusterInfo(ctx)) await run(ctx, ['k3d', 'cluster', 'delete', CLUSTER]);
}

function helmComponent(id: 'metrics' | 'logs' | 'traces', releases: string[]): Component<PlatformContext> {
  return {
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

function eventBusComponent(): Component<PlatformContext> {
  return {
    plan: async (ctx) => planLines(k3dSteps(ctx.env)['event-bus']),
    async status(ctx) {
      const ready = await jsonpath(
        ctx,
        '--namespace',
        'infra',
        'get',
        'statefulset',
        'redpanda',
        '--output',
        'jsonpath={.status.readyReplicas}',
      );
      const done = await jsonpath(
        ctx,
        '--namespace',
        'infra',
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
      const ready = await jsonpath(
        ctx,
        '--namespace',
        'infra',
        'get',
        'pod',
        'redpanda-0',
        '--output',
        'jsonpath={.status.containerStatuses[0].ready}',
      );
      const started = await jsonpath(
        ctx,
        '--namespace',
        'infra',
        'get',
        'pod',
        'redpanda-0',
        '--output',
        'jsonpath={.status.startTime}',
      );
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

function demoComponent(): Component<PlatformContext> {
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

/** The k3d target, from the typed settings (tasks/config/settings.ts): the same values its components get as ctx.env. */
export function k3dTarget(settings: Settings): Target<PlatformContext> {
  return {
    name: 'k3d',
    describe: 'k3d cluster: Redpanda StatefulSet, kube-prometheus-stack, Loki + Alloy, Tempo (Helm)',
    endpoints: () => k3dEndpoints(settings),
    components: {
      cluster: { ...clusterComponent(), checks: clusterChecks, describe: 'k3d (k3s in Docker)' },
      'event-bus': { ...eventBusComponent(), describe: 'Redpanda StatefulSet' },
      metrics: {
        ...helmComponent('metrics', [RELEASES.prometheus.name]),
        describe: 'kube-prometheus-stack by Helm (Prometheus, Grafana)',
      },
      logs: { ...helmComponent('logs', [RELEASES.loki.name, RELEASES.alloy.name]), describe: 'Loki and Alloy by Helm' },
      traces: { ...helmComponent('traces', [RELEASES.tempo.name]), describe: 'Tempo by Helm' },
      demo: {
        ...demoComponent(),
        checks: async (ctx) => [await demoDeployedCheck(ctx)],
        describe: 'demo-service Deployment',
      },
    },
    tools: [TOOLS.docker, TOOLS.k3d, TOOLS.kubectl, TOOLS.helm],
    // REQ-0.1: the cluster starts in under 2 minutes.
    facts: async () => ({ startBoundS: 120 }),
  };
}
