// Seed 0-2 on k3d: the k3d cluster (one server, two agents) and its namespaces. `down` stops the
// cluster and `clean` deletes it; an existing cluster is started, never recreated.
import { performance } from 'node:perf_hooks';
import type { PlatformContext } from '../../context.ts';
import { UsageError } from '../../engine/task.ts';
import { formatCmd, probe, run, type Cmd } from '../docker/exec.ts';
import { stopPortForward } from '../docker/port-forward.ts';
import { recordTiming } from '../docker/timings.ts';
import { installDockerTools, requireTools, TOOLS } from '../docker/tools.ts';
import type { Component, ProcessRow } from '../target.ts';
import { CLUSTER } from './cluster-names.ts';
import { k3dPortForwards } from './ports.ts';
import { planLines, runSteps } from './run-steps.ts';
import { k3dSteps, kubectl } from './steps.ts';

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

async function up(ctx: PlatformContext): Promise<void> {
  const steps = k3dSteps(ctx.env).cluster;
  await requireTools(steps.tools, 'k3d');
  if (!(await probe(ctx, ['docker', 'info', '--format', '{{.ServerVersion}}'])).ok) {
    throw new UsageError(`the Docker engine does not answer (docker info failed): ${TOOLS.docker.install}`);
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
}

async function rows(ctx: PlatformContext): Promise<ProcessRow[]> {
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
}

export function clusterComponent(): Component<PlatformContext> {
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
    up,
    async down(ctx) {
      await requireTools(['k3d'], 'k3d');
      for (const f of Object.values(k3dPortForwards(ctx.env)).flat()) await stopPortForward(ctx, f);
      if (await clusterInfo(ctx)) await run(ctx, ['k3d', 'cluster', 'stop', CLUSTER]);
    },
    rows,
  };
}

/** Removes the cluster and its volumes (`clean`; the seed's cluster-destroy). */
export async function destroyCluster(ctx: PlatformContext): Promise<void> {
  await requireTools(['k3d'], 'k3d');
  for (const f of Object.values(k3dPortForwards(ctx.env)).flat()) await stopPortForward(ctx, f);
  if (await clusterInfo(ctx)) await run(ctx, ['k3d', 'cluster', 'delete', CLUSTER]);
}
