// Verify checks only the k3d target can give, as data: the cluster of seed 0-2 (REQ-0.1). Figures
// come from the run that happened (start times recorded by `up`) and from the live system
// (kubectl, `docker stats`, the endpoints); nothing is assumed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { PlatformContext } from '../../context.ts';
import type { Check } from '../../engine/task.ts';
import { defineCheck, runChecks, type Measurement } from '../../../validation/lib/define-check.ts';
import { REPO_ROOT } from '../../paths.ts';
import { formatCmd, probe, type Cmd } from '../docker/exec.ts';
import { readTimings, type Timing } from '../docker/timings.ts';
import { CLUSTER, CLUSTER_CONFIG, CONTEXT } from './cluster-names.ts';

const CLUSTER_START_LIMIT_S = 120;
const CLUSTER_MEMORY_LIMIT_GIB = 4;

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
  TIB: 1024 ** 4,
};

/** `812.3MiB / 23.4GiB` (docker stats MemUsage) → bytes used. */
export function parseMemUsage(s: string): number | undefined {
  const m = /^\s*([\d.]+)\s*([a-zA-Z]+)/.exec(s.split('/')[0] ?? '');
  const unit = m && UNITS[m[2]!.toUpperCase()];
  return m && unit ? Number(m[1]) * unit : undefined;
}

/** Sum of the memory of the cluster's containers (`k3d-<cluster>-*`) from one `docker stats` sample. */
export function clusterMemoryFromStats(
  stdout: string,
  cluster = CLUSTER,
): { bytes: number; containers: number } {
  let bytes = 0;
  let containers = 0;
  for (const line of stdout.split('\n')) {
    const [name, usage] = line.split('\t');
    if (!name?.startsWith(`k3d-${cluster}-`) || !usage) continue;
    const b = parseMemUsage(usage);
    if (b === undefined) continue;
    bytes += b;
    containers += 1;
  }
  return { bytes, containers };
}

const kubectl = (...args: string[]): Cmd => ['kubectl', '--context', CONTEXT, ...args];
const gib = (b: number) => Math.round((b / 1024 ** 3) * 100) / 100;

type Cfg = {
  apiVersion?: string;
  servers?: number;
  agents?: number;
  ports?: { port: string; nodeFilters?: string[] }[];
  options?: { k3s?: { extraArgs?: { arg: string }[] } };
};

/** The cluster config as the seed asks: 1 server, 2 agents, 8080:80 / 8443:443 / 19092 on the load balancer, Traefik off. */
const config = defineCheck(
  {
    id: '0-2.config',
    criteria: ['0-2.ac1', '0-2.ac6', '0-2.ac7'],
    title: 'k3d config: 1 server + 2 agents, ports 8080:80 and 8443:443, Traefik disabled',
    proof: 'static',
  },
  () => {
    const file = path.join(REPO_ROOT, CLUSTER_CONFIG);
    if (!existsSync(file)) throw new Error(`${CLUSTER_CONFIG} is missing`);
    const cfg = parse(readFileSync(file, 'utf8')) as Cfg;
    const lb = (cfg.ports ?? []).filter((p) => p.nodeFilters?.includes('loadbalancer')).map((p) => p.port);
    const problems = [
      cfg.apiVersion !== 'k3d.io/v1alpha5' && `apiVersion ${cfg.apiVersion}`,
      cfg.servers !== 1 && `servers ${cfg.servers}`,
      cfg.agents !== 2 && `agents ${cfg.agents}`,
      ...['8080:80', '8443:443', '19092:19092']
        .filter((p) => !lb.includes(p))
        .map((p) => `no load balancer port ${p}`),
      !(cfg.options?.k3s?.extraArgs ?? []).some((a) => a.arg === '--disable=traefik') &&
        'Traefik not disabled',
    ].filter((x): x is string => !!x);
    return { evidence: `${CLUSTER_CONFIG}: ports ${lb.join(', ')}`, problems };
  },
);

const startTime = defineCheck(
  {
    id: '0-2.start-time',
    criteria: ['0-2.ac2'],
    requirement: 'REQ-0.1',
    title: 'Cluster starts in < 2 minutes',
    proof: 'live',
    bound: { below: CLUSTER_START_LIMIT_S, unit: 's' },
  },
  async (_, ctx): Promise<Measurement> => {
    const t = await readTimings(ctx.paths);
    const timing: Timing | undefined = t['k3d-cluster-create'] ?? t['k3d-cluster-start'];
    if (!timing)
      return {
        skip: 'no cluster start was recorded on this machine: `up --target k3d` records it when it creates or starts the cluster',
      };
    const what = t['k3d-cluster-create']
      ? 'create (to nodes Ready and namespaces)'
      : 'start of an existing cluster (no create recorded)';
    return {
      measured: Math.round(timing.ms / 100) / 10,
      evidence: `${what}: ${timing.command} at ${timing.at}`,
    };
  },
);

const connects = defineCheck(
  { id: '0-2.kubectl', criteria: ['0-2.ac5'], title: 'kubectl connects to the cluster', proof: 'live' },
  async (_, ctx) => {
    const info = await probe(ctx, kubectl('cluster-info'));
    return {
      evidence: formatCmd(kubectl('cluster-info')),
      problems: info.ok ? [] : ['kubectl cluster-info failed'],
    };
  },
);

type Node = { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } };
const nodes = defineCheck(
  {
    id: '0-2.nodes',
    criteria: ['0-2.ac5'],
    title: 'Three nodes Ready (1 server, 2 agents)',
    proof: 'live',
  },
  async (_, ctx) => {
    const r = await probe(ctx, kubectl('get', 'nodes', '--output', 'json'));
    const items = r.ok ? (JSON.parse(r.stdout) as { items: Node[] }).items : [];
    const ready = items.filter((n) =>
      n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    return {
      measured: ready.length,
      threshold: '= 3',
      unit: 'nodes',
      evidence: ready.map((n) => n.metadata.name).join(', ') || 'none',
      problems: ready.length === 3 ? [] : [`${ready.length} of ${items.length} nodes Ready`],
    };
  },
);

const namespaces = defineCheck(
  {
    id: '0-2.namespaces',
    criteria: ['0-2.ac4'],
    title: 'Namespaces infra and services exist',
    proof: 'live',
  },
  async (_, ctx) => {
    const ns = await probe(ctx, kubectl('get', 'namespace', 'infra', 'services', '--output', 'name'));
    return {
      evidence:
        ns.stdout.replaceAll('\n', ', ') || formatCmd(kubectl('get', 'namespace', 'infra', 'services')),
      problems: ns.ok ? [] : ['kubectl get namespace infra services failed'],
    };
  },
);

const STATS: Cmd = ['docker', 'stats', '--no-stream', '--format', '{{.Name}}\t{{.MemUsage}}'];
const memory = defineCheck(
  {
    id: '0-2.memory',
    criteria: ['0-2.ac3'],
    requirement: 'REQ-0.1',
    title: 'Cluster containers use < 4 GB RAM (docker stats, everything running in the cluster)',
    proof: 'live',
    bound: { below: CLUSTER_MEMORY_LIMIT_GIB, unit: 'GiB' },
  },
  async (_, ctx) => {
    const stats = await probe(ctx, STATS, 30_000);
    if (!stats.ok) throw new Error('docker stats failed');
    const mem = clusterMemoryFromStats(stats.stdout);
    if (mem.containers === 0) throw new Error(`no k3d-${CLUSTER}-* containers in docker stats`);
    return { measured: gib(mem.bytes), evidence: `${formatCmd(STATS)}: ${mem.containers} containers` };
  },
);

const NODE_CONTAINERS = [`k3d-${CLUSTER}-server-0`, `k3d-${CLUSTER}-agent-0`, `k3d-${CLUSTER}-agent-1`];
const restartPolicy = defineCheck(
  {
    id: '0-2.restart-policy',
    criteria: ['0-2.ac8'],
    title:
      'Node containers restart with the Docker engine (restart policy), so the cluster survives a Docker restart',
    proof: 'live',
  },
  async (_, ctx) => {
    const r = await probe(ctx, [
      'docker',
      'inspect',
      '--format',
      '{{.Name}} {{.HostConfig.RestartPolicy.Name}}',
      ...NODE_CONTAINERS,
    ]);
    const policies = r.stdout.split('\n').filter(Boolean);
    const survives =
      r.ok &&
      policies.length === 3 &&
      policies.every((l) => l.endsWith(' unless-stopped') || l.endsWith(' always'));
    return {
      evidence: policies.join('; ') || 'docker inspect failed',
      problems: survives ? [] : ['a node container has no restart policy'],
    };
  },
);

export const CLUSTER_CHECKS = [config, startTime, connects, nodes, namespaces, memory, restartPolicy];

export const clusterChecks = (ctx: PlatformContext): Promise<Check[]> => runChecks(ctx, CLUSTER_CHECKS);
