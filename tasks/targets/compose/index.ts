// The compose target: Docker Compose with the same components as k3d (seed task 0-7). Each
// component is a group of services brought up with `docker compose … up -d --wait`, which
// returns only when every service in the group passes its health check; `plan` prints the same
// commands `up` runs.
import { performance } from 'node:perf_hooks';
import type { PlatformContext } from '../../context.ts';
import type { Settings } from '../../config/settings.ts';
import { UsageError } from '../../engine/task.ts';
import { formatCmd, probe, run, type Cmd } from '../docker/exec.ts';
import { recordTiming } from '../docker/timings.ts';
import { requireTools, TOOLS } from '../docker/tools.ts';
import {
  unavailable,
  type Component,
  type ComponentId,
  type Endpoints,
  type LogQuery,
  type ProcessRow,
  type Target,
} from '../target.ts';

export { ENV_FILE, FULL_FILE, INFRA_FILE } from './files.ts';
import { FULL_FILE, INFRA_FILE } from './files.ts';
import { composeFileArgs } from '../../config/docker-files.ts';
import { composeChecks } from './checks.ts';

type Env = Readonly<Record<string, string | undefined>>;
const port = (env: Env, key: string, dflt: number) => Number(env[key] ?? dflt);

/** The same variables (and defaults) as manifests/compose/.env.docker. */
export function composeEndpoints(env: Env): Endpoints {
  const http = (key: string, dflt: number) => ({ url: `http://127.0.0.1:${port(env, key, dflt)}` });
  return {
    kafka: { url: `127.0.0.1:${port(env, 'KAFKA_PORT', 19092)}` },
    prometheus: http('PROMETHEUS_PORT', 9090),
    alertmanager: unavailable('the Compose stack runs no Alertmanager (k3d and native do)'),
    otlpGrpc: http('OTLP_GRPC_PORT', 4317),
    traceQuery: http('TEMPO_PORT', 3200),
    logsql: unavailable('LogsQL (VictoriaLogs) is the native target\'s log store; this target stores logs in Loki'),
    grafana: http('GRAFANA_PORT', 3000),
    console: unavailable('the console runs on the native target; here Grafana serves the dashboards'),
    loki: http('LOKI_PORT', 3100),
    tempo: http('TEMPO_PORT', 3200),
    demo: http('DEMO_PORT', 8000),
  };
}

// The same project options (env files, file) for every command, and the same environment
// (process env + the settings from .env, through run/probe): `status` sees what `up` saw.
const compose = (file: string, ...args: string[]): Cmd => [
  'docker',
  'compose',
  ...composeFileArgs(file),
  ...args,
];

/** Service groups per component. One-shots (redpanda-init, tempo-init) come up with the service that waits on them. */
export const GROUPS = {
  'event-bus': { file: INFRA_FILE, services: ['redpanda', 'redpanda-init', 'kafka-exporter'] },
  metrics: { file: INFRA_FILE, services: ['prometheus', 'node-exporter', 'grafana'] },
  logs: { file: INFRA_FILE, services: ['loki', 'alloy'] },
  // tempo-ready probes the distroless Tempo from outside; `up --wait` waits for its health check.
  traces: { file: INFRA_FILE, services: ['tempo-init', 'tempo', 'tempo-ready'] },
  'compose-stack': { file: INFRA_FILE, services: [] as string[] },
  demo: { file: FULL_FILE, services: ['demo'] },
} satisfies Partial<Record<ComponentId, { file: string; services: string[] }>>;
type GroupId = keyof typeof GROUPS;

/** A one-shot's exit 0 is its success; every other service must be running (and healthy where it has a check). */
const ONE_SHOTS = new Set(['redpanda-init', 'tempo-init']);

export function composeUpCmd(id: GroupId): Cmd {
  const g = GROUPS[id];
  return compose(
    g.file,
    'up',
    '--detach',
    '--wait',
    '--wait-timeout',
    '180',
    ...(id === 'demo' ? ['--build'] : []),
    ...g.services,
  );
}

/** The long-running services of a group (one-shots have exited: nothing to follow or restart). */
const longRunning = (id: GroupId) => GROUPS[id].services.filter((s) => !ONE_SHOTS.has(s) && s !== 'tempo-ready');

/** `logs`: one service's lines, each after an RFC 3339 stamp (no `service |` prefix: logs adds its own). */
export function composeLogsCmd(id: GroupId, service: string, q: LogQuery): Cmd {
  return compose(
    GROUPS[id].file,
    'logs',
    '--timestamps',
    '--no-log-prefix',
    '--no-color',
    ...(q.tail === undefined ? [] : ['--tail', String(q.tail)]),
    ...(q.sinceMs === undefined ? [] : ['--since', new Date(q.sinceMs).toISOString()]),
    ...(q.follow ? ['--follow'] : []),
    service,
  );
}

/** `restart`: restart the group's services in place, then wait for their health checks as `up` does. */
export function composeRestartCmds(id: GroupId): Cmd[] {
  const services = longRunning(id);
  if (services.length === 0) return [];
  const g = GROUPS[id];
  return [
    compose(g.file, 'restart', ...services),
    compose(g.file, 'up', '--detach', '--wait', '--wait-timeout', '180', '--no-deps', ...services),
  ];
}

interface PsRow {
  Service: string;
  State: string;
  Health?: string;
  ExitCode?: number;
  Status?: string;
  Publishers?: { PublishedPort?: number }[];
}

/** `docker compose ps --format json`: one object per line (Compose >= 2.21) or one array (older). */
export function parsePs(stdout: string): PsRow[] {
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith('[')) return JSON.parse(text) as PsRow[];
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PsRow);
}

async function ps(ctx: PlatformContext, id: GroupId): Promise<PsRow[] | undefined> {
  const g = GROUPS[id];
  // With the settings `up` passes: without them compose cannot interpolate the files
  // (GRAFANA_ADMIN_PASSWORD is required) and ps fails, so status said "not up".
  const r = await probe(ctx, compose(g.file, 'ps', '--all', '--format', 'json', ...g.services));
  return r.ok ? parsePs(r.stdout) : undefined;
}

const rowHealthy = (r: PsRow) =>
  ONE_SHOTS.has(r.Service)
    ? r.State === 'exited' && r.ExitCode === 0
    : r.State === 'running' && (r.Health === undefined || r.Health === '' || r.Health === 'healthy');

async function requireEngine(ctx: PlatformContext): Promise<void> {
  await requireTools(['docker'], 'compose');
  if (!(await probe(ctx, ['docker', 'compose', 'version', '--short'])).ok) {
    throw new UsageError(
      'docker compose (the Compose v2 plugin) is not available: install Docker Compose v2 (https://docs.docker.com/compose/install/)',
    );
  }
  if (!(await probe(ctx, ['docker', 'info', '--format', '{{.ServerVersion}}'])).ok) {
    throw new UsageError(`the Docker engine does not answer (docker info failed): ${TOOLS.docker.install}`);
  }
}

/**
 * One `docker compose up/stop/down` at a time in this process: the engine runs ready nodes
 * concurrently (0-7 and 0-3…0-6 on this target), and concurrent operations on one Compose
 * project race on the same containers and network.
 */
let composeQueue: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const next = composeQueue.then(fn, fn);
  composeQueue = next.catch(() => undefined);
  return next;
}

function groupComponent(id: GroupId): Component<PlatformContext> {
  return {
    // dev-setup: pull the pinned images once, so the first `up` is measured without downloads.
    ...(id === 'compose-stack'
      ? {
          async install(ctx: PlatformContext) {
            await requireEngine(ctx);
            await run(ctx, compose(INFRA_FILE, 'pull', '--quiet'));
          },
        }
      : {}),
    plan: async () => [formatCmd(composeUpCmd(id))],
    logs: async (_ctx, q) => longRunning(id).map((service) => ({ name: service, command: composeLogsCmd(id, service, q) })),
    async restart(ctx, { dryRun }) {
      const cmds = composeRestartCmds(id);
      if (!dryRun && cmds.length) {
        await requireEngine(ctx);
        await serial(async () => {
          for (const c of cmds) await run(ctx, c);
        });
      }
      return cmds.map(formatCmd);
    },
    async status(ctx) {
      const rows = await ps(ctx, id);
      if (!rows || rows.length === 0) return false;
      const expected = GROUPS[id].services;
      if (expected.length && !expected.every((s) => rows.some((r) => r.Service === s))) return false;
      return rows.every(rowHealthy);
    },
    async up(ctx) {
      await requireEngine(ctx);
      await serial(async () => {
        const t0 = performance.now();
        await run(ctx, composeUpCmd(id));
        if (id === 'compose-stack') {
          await recordTiming(ctx.paths, 'compose-up', {
            ms: Math.round(performance.now() - t0),
            command: formatCmd(composeUpCmd(id)),
          });
        }
      });
    },
    async down(ctx) {
      await requireTools(['docker'], 'compose');
      const g = GROUPS[id];
      // `down` keeps named volumes (no --volumes): data survives, as the seed asks.
      const cmd =
        id === 'compose-stack' ? compose(FULL_FILE, 'down') : compose(g.file, 'stop', ...g.services);
      await serial(() => run(ctx, cmd));
    },
    async rows(ctx) {
      const rows = await ps(ctx, id);
      if (!rows)
        return [
          { name: `compose ${id}`, state: 'n/a', detail: 'docker compose ps failed (no Docker engine?)' },
        ];
      return rows.map((r): ProcessRow => ({
        name: r.Service,
        state: rowHealthy(r)
          ? ONE_SHOTS.has(r.Service)
            ? 'stopped'
            : 'running'
          : r.State === 'running'
            ? 'unhealthy'
            : 'stopped',
        ...(r.Publishers?.[0]?.PublishedPort ? { port: r.Publishers[0].PublishedPort } : {}),
        ...(r.Status ? { detail: r.Status } : {}),
      }));
    },
  };
}

/** The compose target, from the typed settings (tasks/config/settings.ts). */
export function composeTarget(settings: Settings): Target<PlatformContext> {
  return {
    name: 'compose',
    describe: 'Docker Compose: Redpanda, Prometheus, Grafana, Loki, Tempo, Alloy',
    endpoints: () => composeEndpoints(settings),
    components: {
      'event-bus': { ...groupComponent('event-bus'), describe: 'Redpanda container' },
      metrics: { ...groupComponent('metrics'), describe: 'Prometheus and Grafana containers' },
      logs: { ...groupComponent('logs'), describe: 'Loki and Alloy containers' },
      traces: { ...groupComponent('traces'), describe: 'Tempo container' },
      'compose-stack': { ...groupComponent('compose-stack'), checks: composeChecks, describe: 'docker compose' },
      demo: {
        ...groupComponent('demo'),
        facts: async () => ({ runsAs: 'as a container' }),
        describe: 'demo-service container',
      },
    },
    tools: [TOOLS.docker],
    // REQ-0.1's 2-minute start bound applies to the Docker paths.
    facts: async () => ({ startBoundS: 120 }),
  };
}
