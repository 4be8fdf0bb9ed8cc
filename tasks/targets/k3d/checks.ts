// Verify checks only the k3d target can give: the cluster of seed 0-2 (REQ-0.1). Figures come from the run that happened (start times recorded by `up`) and from
// the live system (kubectl, `docker stats`, the endpoints); nothing is assumed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { PlatformContext } from '../../context.ts';
import { check, type Check } from '../../engine/task.ts';
import { REPO_ROOT } from '../../paths.ts';
import { formatCmd, probe, type Cmd } from '../docker/exec.ts';
import { readTimings, type Timing } from '../docker/timings.ts';
import { CLUSTER, CLUSTER_CONFIG, CONTEXT } from './cluster-names.ts';

const CLUSTER_START_LIMIT_MS = 120_000;
const CLUSTER_MEMORY_LIMIT_BYTES = 4 * 1024 ** 3;

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

function startTimeCheck(t: { create?: Timing; start?: Timing }): Check {
  const base = {
    id: '0-2.start-time',
    criteria: ['0-2.ac2'],
    requirement: 'REQ-0.1',
    threshold: '< 120',
    unit: 's',
  };
  const timing = t.create ?? t.start;
  if (!timing) {
    return check({ proof: 'live',
      ...base,
      title: 'Cluster starts in < 2 minutes',
      status: 'skip',
      reason:
        'no cluster start was recorded on this machine: `up --target k3d` records it when it creates or starts the cluster',
    });
  }
  return check({ proof: 'live',
    ...base,
    title: t.create
      ? 'Cluster create (to nodes Ready and namespaces) in < 2 minutes'
      : 'Cluster start of an existing cluster in < 2 minutes (no create recorded)',
    status: timing.ms < CLUSTER_START_LIMIT_MS ? 'pass' : 'fail',
    measured: Math.round(timing.ms / 100) / 10,
    evidence: `${timing.command} at ${timing.at}`,
  });
}

/** The cluster config as the seed asks: 1 server, 2 agents, 8080:80 / 8443:443 / 19092 on the load balancer, Traefik off. */
export function clusterConfigCheck(file = path.join(REPO_ROOT, CLUSTER_CONFIG)): Check {
  const base = {
    id: '0-2.config',
    criteria: ['0-2.ac1', '0-2.ac6', '0-2.ac7'],
    title: 'k3d config: 1 server + 2 agents, ports 8080:80 and 8443:443, Traefik disabled',
  };
  if (!existsSync(file)) return check({ proof: 'static', ...base, status: 'fail', reason: `${CLUSTER_CONFIG} is missing` });
  const cfg = parse(readFileSync(file, 'utf8')) as {
    apiVersion?: string;
    servers?: number;
    agents?: number;
    ports?: { port: string; nodeFilters?: string[] }[];
    options?: { k3s?: { extraArgs?: { arg: string }[] } };
  };
  const lb = (cfg.ports ?? []).filter((p) => p.nodeFilters?.includes('loadbalancer')).map((p) => p.port);
  const problems = [
    cfg.apiVersion !== 'k3d.io/v1alpha5' && `apiVersion ${cfg.apiVersion}`,
    cfg.servers !== 1 && `servers ${cfg.servers}`,
    cfg.agents !== 2 && `agents ${cfg.agents}`,
    ...['8080:80', '8443:443', '19092:19092']
      .filter((p) => !lb.includes(p))
      .map((p) => `no load balancer port ${p}`),
    !(cfg.options?.k3s?.extraArgs ?? []).some((a) => a.arg === '--disable=traefik') && 'Traefik not disabled',
  ].filter(Boolean);
  return check({ proof: 'static',
    ...base,
    status: problems.length ? 'fail' : 'pass',
    evidence: `${CLUSTER_CONFIG}: ports ${lb.join(', ')}`,
    ...(problems.length ? { reason: problems.join('; ') } : {}),
  });
}


export async function clusterChecks(ctx: PlatformContext): Promise<Check[]> {
  const checks: Check[] = [clusterConfigCheck()];
  const timings = await readTimings(ctx.paths);
  checks.push(startTimeCheck({ create: timings['k3d-cluster-create'], start: timings['k3d-cluster-start'] }));

  const info = await probe(ctx, kubectl('cluster-info'));
  checks.push(
    check({ proof: 'live',
      id: '0-2.kubectl',
      criteria: ['0-2.ac5'],
      title: 'kubectl connects to the cluster',
      status: info.ok ? 'pass' : 'fail',
      evidence: formatCmd(kubectl('cluster-info')),
      ...(info.ok ? {} : { reason: 'kubectl cluster-info failed' }),
    }),
  );

  const nodes = await probe(ctx, kubectl('get', 'nodes', '--output', 'json'));
  type Node = { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } };
  const items = nodes.ok ? (JSON.parse(nodes.stdout) as { items: Node[] }).items : [];
  const ready = items.filter((n) =>
    n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  checks.push(
    check({ proof: 'live',
      id: '0-2.nodes',
      criteria: ['0-2.ac5'],
      title: 'Three nodes Ready (1 server, 2 agents)',
      status: ready.length === 3 ? 'pass' : 'fail',
      measured: ready.length,
      threshold: '= 3',
      unit: 'nodes',
      evidence: ready.map((n) => n.metadata.name).join(', ') || 'none',
      ...(ready.length === 3 ? {} : { reason: `${ready.length} of ${items.length} nodes Ready` }),
    }),
  );

  const ns = await probe(ctx, kubectl('get', 'namespace', 'infra', 'services', '--output', 'name'));
  checks.push(
    check({ proof: 'live',
      id: '0-2.namespaces',
      criteria: ['0-2.ac4'],
      title: 'Namespaces infra and services exist',
      status: ns.ok ? 'pass' : 'fail',
      evidence:
        ns.stdout.replaceAll('\n', ', ') || formatCmd(kubectl('get', 'namespace', 'infra', 'services')),
      ...(ns.ok ? {} : { reason: 'kubectl get namespace infra services failed' }),
    }),
  );

  const statsCmd: Cmd = ['docker', 'stats', '--no-stream', '--format', '{{.Name}}\t{{.MemUsage}}'];
  const stats = await probe(ctx, statsCmd, 30_000);
  const mem = clusterMemoryFromStats(stats.stdout);
  checks.push(
    !stats.ok || mem.containers === 0
      ? check({ proof: 'live',
          id: '0-2.memory',
          criteria: ['0-2.ac3'],
          requirement: 'REQ-0.1',
          title: 'Cluster containers use < 4 GB RAM',
          status: 'fail',
          reason: stats.ok ? `no k3d-${CLUSTER}-* containers in docker stats` : 'docker stats failed',
        })
      : check({ proof: 'live',
          id: '0-2.memory',
          criteria: ['0-2.ac3'],
          requirement: 'REQ-0.1',
          title: 'Cluster containers use < 4 GB RAM (docker stats, everything running in the cluster)',
          status: mem.bytes < CLUSTER_MEMORY_LIMIT_BYTES ? 'pass' : 'fail',
          measured: gib(mem.bytes),
          threshold: '< 4',
          unit: 'GiB',
          evidence: `${formatCmd(statsCmd)}: ${mem.containers} containers`,
        }),
  );

  const policy = await probe(ctx, [
    'docker',
    'inspect',
    '--format',
    '{{.Name}} {{.HostConfig.RestartPolicy.Name}}',
    `k3d-${CLUSTER}-server-0`,
    `k3d-${CLUSTER}-agent-0`,
    `k3d-${CLUSTER}-agent-1`,
  ]);
  const policies = policy.stdout.split('\n').filter(Boolean);
  const survives =
    policy.ok &&
    policies.length === 3 &&
    policies.every((l) => l.endsWith(' unless-stopped') || l.endsWith(' always'));
  checks.push(
    check({ proof: 'live',
      id: '0-2.restart-policy',
      criteria: ['0-2.ac8'],
      title:
        'Node containers restart with the Docker engine (restart policy), so the cluster survives a Docker restart',
      status: survives ? 'pass' : 'fail',
      evidence: policies.join('; ') || 'docker inspect failed',
      ...(survives ? {} : { reason: 'a node container has no restart policy' }),
    }),
  );

  return checks;
}
