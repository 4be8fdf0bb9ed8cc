// The native target's metrics component (seed task 0-4): Prometheus and Alertmanager at the
// releases the Docker paths run (built from the Go module proxy into the tools cache by
// go-backends.ts; versions from manifests/versions.yaml), run as supervised processes with the
// project's config, plus the two exporters it needs on a host without containers:
//   node-exporter       Debian `prometheus-node-exporter`: host CPU, memory, disk (alerts, Resource Usage)
//   kafka-lag-exporter  ./lag-exporter: consumer lag under kafka_exporter's metric names
//                       (danielqsj/kafka_exporter is not served by the Go module proxy here)
// Alertmanager routes as the k3d chart's does (manifests/native/alertmanager/alertmanager.yml).
// The broker's own metrics come from the JMX exporter agent the Kafka component attaches.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { execa } from '../../lazy-execa.ts';
import type { Paths, PlatformContext } from '../../context.ts';
import { UsageError } from '../../engine/task.ts';
import type { Component, InstallResult, ProcessRow } from '../target.ts';
import { dirSize, readPid, rssOfTree, start, stop, type ProcessSpec } from './supervisor.ts';
import { httpStatus } from './http-probe.ts';
import type { BackendName } from './go-backends.ts';

/** Debian's node exporter stays: the series the rules and dashboards read are the same as v1.12.1's. */
export const NODE_EXPORTER_APT = ['prometheus-node-exporter'] as const;
export const APT_COMMAND = `apt-get install -y ${NODE_EXPORTER_APT.join(' ')}`;
export const RETENTION = '30d';
/**
 * Built from the Go module proxy (go-backends.ts) at the Docker paths' releases. What `up` runs;
 * promtool (the rule checks' and tests') is built beside them by dev-setup only.
 */
const RUN_BACKENDS: readonly BackendName[] = ['prometheus', 'alertmanager'];
export const METRICS_BACKENDS: readonly BackendName[] = ['promtool', ...RUN_BACKENDS];

export interface MetricsPorts {
  prometheus: number;
  alertmanager: number;
  kafkaMetrics: number;
  lagExporter: number;
  nodeExporter: number;
  demo: number;
  /** The observability backends' own metrics (observability.ts runs them). */
  jaegerMetrics: number;
  victoriaLogs: number;
  collectorMetrics: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export function metricsPorts(env: Env): MetricsPorts {
  const num = (key: string, def: number) => {
    const v = env[key];
    if (v === undefined || v === '') return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new UsageError(`${key} must be a TCP port 1-65535; fix it in .env`);
    return n;
  };
  return {
    prometheus: num('PROMETHEUS_PORT', 9090),
    alertmanager: num('ALERTMANAGER_PORT', 9093),
    kafkaMetrics: num('KAFKA_METRICS_PORT', 7071),
    lagExporter: num('LAG_EXPORTER_PORT', 9308),
    nodeExporter: num('NODE_EXPORTER_PORT', 9100),
    demo: num('DEMO_PORT', 8000),
    jaegerMetrics: num('JAEGER_METRICS_PORT', 8888),
    victoriaLogs: num('VICTORIALOGS_PORT', 9428),
    collectorMetrics: num('COLLECTOR_METRICS_PORT', 8889),
  };
}

export const rulesDir = (paths: Paths) => path.join(paths.root, 'manifests', 'prometheus', 'rules');
export const configTemplate = (paths: Paths) =>
  path.join(paths.root, 'manifests', 'native', 'prometheus', 'prometheus.yml');
export const renderedConfig = (paths: Paths) => path.join(paths.platform, 'prometheus', 'prometheus.yml');
export const prometheusData = (paths: Paths) => path.join(paths.data, 'prometheus');
export const alertmanagerConfig = (paths: Paths) =>
  path.join(paths.root, 'manifests', 'native', 'alertmanager', 'alertmanager.yml');
export const alertmanagerData = (paths: Paths) => path.join(paths.data, 'alertmanager');
/** The pipeline's always-firing alert (the k3d chart's Watchdog), native-only: see the file. */
export const watchdogRules = (paths: Paths) =>
  path.join(paths.root, 'manifests', 'native', 'prometheus', 'watchdog.yml');
/** Where dev-setup builds the Go binaries (go-backends.ts binDir). */
const binOf = (paths: Paths, name: string) => path.join(paths.cache, 'bin', name);
/** Time to ready of the last cold start, written by `up`, read by verify. */
export const startupFile = (paths: Paths) => path.join(paths.run, 'metrics-startup.json');

export interface StartupRecord {
  at: string;
  readyMs: Record<string, number>;
}

export async function readStartup(paths: Paths): Promise<StartupRecord | undefined> {
  try {
    return JSON.parse(await fsp.readFile(startupFile(paths), 'utf8')) as StartupRecord;
  } catch {
    return undefined;
  }
}

/** Replaces every `${NAME}`; a name without a value is an error, so no placeholder reaches Prometheus. */
export function renderTemplate(
  template: string,
  vars: Readonly<Record<string, string | number>>,
  where = 'template',
): string {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined)
      throw new UsageError(
        `${where}: no value for \${${name}}; add it to the renderer in tasks/targets/native/prometheus.ts`,
      );
    return String(v);
  });
}

export function configVars(paths: Paths, ports: MetricsPorts): Record<string, string | number> {
  return {
    RULES_DIR: rulesDir(paths),
    WATCHDOG_RULES: watchdogRules(paths),
    PROMETHEUS_PORT: ports.prometheus,
    ALERTMANAGER_PORT: ports.alertmanager,
    KAFKA_METRICS_PORT: ports.kafkaMetrics,
    LAG_EXPORTER_PORT: ports.lagExporter,
    NODE_EXPORTER_PORT: ports.nodeExporter,
    DEMO_PORT: ports.demo,
    JAEGER_METRICS_PORT: ports.jaegerMetrics,
    VICTORIALOGS_PORT: ports.victoriaLogs,
    COLLECTOR_METRICS_PORT: ports.collectorMetrics,
  };
}

/** Renders manifests/native/prometheus/prometheus.yml into .platform/prometheus/; returns its path. */
export async function writeConfig(paths: Paths, ports: MetricsPorts): Promise<string> {
  const tpl = configTemplate(paths);
  const text = renderTemplate(await fsp.readFile(tpl, 'utf8'), configVars(paths, ports), tpl);
  const out = renderedConfig(paths);
  await fsp.mkdir(path.dirname(out), { recursive: true });
  await fsp.writeFile(out, text);
  return out;
}

async function httpOk(url: string, signal?: AbortSignal): Promise<boolean> {
  const status = await httpStatus(url, { timeoutMs: 2_000, signal });
  return status !== undefined && status >= 200 && status < 300;
}

export function prometheusSpec(paths: Paths, ports: MetricsPorts, configFile: string): ProcessSpec {
  return {
    name: 'prometheus',
    command: binOf(paths, 'prometheus'),
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${prometheusData(paths)}`,
      `--storage.tsdb.retention.time=${RETENTION}`,
      `--web.listen-address=127.0.0.1:${ports.prometheus}`,
      '--log.format=json',
    ],
    port: ports.prometheus,
    portHint: 'set PROMETHEUS_PORT',
    ready: (signal) => httpOk(`http://127.0.0.1:${ports.prometheus}/-/ready`, signal),
    readyTimeoutMs: 60_000,
  };
}

export function alertmanagerSpec(paths: Paths, ports: MetricsPorts): ProcessSpec {
  return {
    name: 'alertmanager',
    command: binOf(paths, 'alertmanager'),
    args: [
      `--config.file=${alertmanagerConfig(paths)}`,
      `--storage.path=${alertmanagerData(paths)}`,
      `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
      // One instance: no HA gossip (it would bind 0.0.0.0:9094, shared by every stack on the machine).
      '--cluster.listen-address=',
      '--log.format=json',
    ],
    port: ports.alertmanager,
    portHint: 'set ALERTMANAGER_PORT',
    ready: (signal) => httpOk(`http://127.0.0.1:${ports.alertmanager}/-/ready`, signal),
    readyTimeoutMs: 30_000,
  };
}

export function nodeExporterSpec(ports: MetricsPorts): ProcessSpec {
  return {
    name: 'node-exporter',
    command: 'prometheus-node-exporter',
    // Only the collectors the rules and dashboards read: keeps the scrape small on a laptop.
    args: [
      `--web.listen-address=127.0.0.1:${ports.nodeExporter}`,
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.filesystem',
      '--collector.loadavg',
      '--log.format=json',
    ],
    port: ports.nodeExporter,
    portHint: 'set NODE_EXPORTER_PORT',
    ready: (signal) => httpOk(`http://127.0.0.1:${ports.nodeExporter}/metrics`, signal),
    readyTimeoutMs: 20_000,
  };
}

export function lagExporterSpec(paths: Paths, ports: MetricsPorts, kafkaBootstrap: string): ProcessSpec {
  return {
    name: 'kafka-lag-exporter',
    // The Node running us (>= 22.18) strips the exporter's types itself: no tsx in the process tree.
    command: process.execPath,
    args: [path.join(paths.root, 'tasks', 'targets', 'native', 'lag-exporter', 'exporter.ts')],
    cwd: paths.root,
    env: { KAFKA_BOOTSTRAP: kafkaBootstrap, LAG_EXPORTER_PORT: String(ports.lagExporter) },
    port: ports.lagExporter,
    portHint: 'set LAG_EXPORTER_PORT',
    ready: (signal) => httpOk(`http://127.0.0.1:${ports.lagExporter}/healthz`, signal),
    readyTimeoutMs: 20_000,
  };
}

/** The release a cached binary was built at, from its stamp (`v0.314.0 release:3.14.0 …`); `not built` without one. */
export async function builtRelease(paths: Paths, name: string): Promise<string> {
  const stamp = await fsp.readFile(`${binOf(paths, name)}.version`, 'utf8').catch(() => '');
  return /release:(\S+)/.exec(stamp)?.[1] ?? (stamp.trim() ? stamp.trim().split(' ')[0]! : 'not built');
}

async function onPath(cmd: string): Promise<boolean> {
  const r = await execa(cmd, ['--version'], { reject: false, timeout: 10_000 });
  return r.exitCode === 0;
}

/**
 * Builds Prometheus and Alertmanager (and promtool with `withPromtool`: only the rule checks and
 * tests run it) when missing or stale (go-backends.ts), and installs Debian's node exporter when
 * missing (root), else says exactly what to run.
 */
export async function installPrometheus(
  paths: Paths,
  opts: { signal?: AbortSignal; log: (line: string) => void; withPromtool?: boolean },
): Promise<InstallResult> {
  const { installBackends } = await import('./go-backends.ts');
  const only = opts.withPromtool ? METRICS_BACKENDS : RUN_BACKENDS;
  const built = await installBackends(paths, { signal: opts.signal, log: opts.log, only });
  const entries = Object.entries(built);
  const result = {
    changed: entries.some(([, how]) => how === 'built'),
    detail: entries.map(([name, how]) => `${name} ${how}`).join(', '),
  };
  if (await onPath('prometheus-node-exporter')) return result;
  if (process.getuid?.() !== 0)
    throw new UsageError(`prometheus-node-exporter missing; install with: sudo ${APT_COMMAND}`);
  opts.log(`installing prometheus-node-exporter from Debian: ${APT_COMMAND}`);
  await execa('apt-get', ['install', '-y', ...NODE_EXPORTER_APT], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  });
  // The packages start their own services where systemd runs; the platform runs its own
  // processes with the project's config, so the distribution's services must not hold the ports.
  for (const unit of NODE_EXPORTER_APT) {
    const active = await execa('systemctl', ['is-active', '--quiet', unit], { reject: false });
    if (active.exitCode === 0) {
      opts.log(`stopping and disabling the distribution's ${unit} service (the platform runs its own)`);
      await execa('systemctl', ['disable', '--now', unit], { reject: false });
    }
  }
  return { changed: true, detail: `${result.detail}, prometheus-node-exporter installed` };
}

export interface MetricsStack {
  prometheus: ProcessSpec;
  alertmanager: ProcessSpec;
  nodeExporter: ProcessSpec;
  lagExporter: ProcessSpec;
}

/** In start order: the exporters and Alertmanager before the Prometheus that scrapes and alerts to them. */
export const inStartOrder = (s: MetricsStack) => [s.nodeExporter, s.lagExporter, s.alertmanager, s.prometheus];

export function metricsStack(paths: Paths, env: Env, kafkaBootstrap: string): MetricsStack {
  const ports = metricsPorts(env);
  return {
    prometheus: prometheusSpec(paths, ports, renderedConfig(paths)),
    alertmanager: alertmanagerSpec(paths, ports),
    nodeExporter: nodeExporterSpec(ports),
    lagExporter: lagExporterSpec(paths, ports, kafkaBootstrap),
  };
}

/** The binaries `up` runs, or one UsageError line with the command that provides them. */
export async function requireBinaries(paths: Paths): Promise<void> {
  const { requireBackend } = await import('./go-backends.ts');
  for (const name of RUN_BACKENDS) await requireBackend(name, paths);
  if (!(await onPath('prometheus-node-exporter')))
    throw new UsageError(
      `prometheus-node-exporter not found on PATH; install with: sudo ${APT_COMMAND} (or run setup as root)`,
    );
}

/** Starts the exporters, then Prometheus; returns each process's time to ready in ms. */
export async function startMetrics(
  paths: Paths,
  env: Env,
  kafkaBootstrap: string,
  signal: AbortSignal,
): Promise<Record<string, { pid: number; readyMs: number; already: boolean }>> {
  const ports = metricsPorts(env);
  await requireBinaries(paths);
  await writeConfig(paths, ports);
  const stack = metricsStack(paths, env, kafkaBootstrap);
  const out: Record<string, { pid: number; readyMs: number; already: boolean }> = {};
  for (const spec of inStartOrder(stack))
    out[spec.name] = await start(spec, paths, signal);
  return out;
}

export async function stopMetrics(paths: Paths): Promise<void> {
  for (const name of ['prometheus', 'alertmanager', 'kafka-lag-exporter', 'node-exporter']) await stop(name, paths);
}

export function prometheusComponent(kafkaBootstrap: (ctx: PlatformContext) => string): Component<PlatformContext> {
  return {
    facts: async (ctx) => {
      const startup = await readStartup(ctx.paths);
      return startup ? { startup } : {};
    },
    install: (ctx, o) =>
      installPrometheus(ctx.paths, { signal: ctx.signal, log: ctx.note ?? ctx.log, withPromtool: !!o?.checkTools }),
    async status(ctx) {
      const stack = metricsStack(ctx.paths, ctx.env, kafkaBootstrap(ctx));
      for (const spec of inStartOrder(stack)) {
        if (!(await readPid(ctx.paths, spec.name))) return false;
        if (!(await spec.ready(ctx.signal).catch(() => false))) return false;
      }
      return true;
    },
    async up(ctx) {
      const started = await startMetrics(ctx.paths, ctx.env, kafkaBootstrap(ctx), ctx.signal);
      for (const [name, r] of Object.entries(started)) {
        ctx.log(
          r.already
            ? `${name}: already running (pid ${r.pid})`
            : `${name}: ready in ${r.readyMs} ms (pid ${r.pid})`,
        );
      }
      // Kept for verify: the time to ready is measured at start, not re-measurable later.
      if (!started.prometheus?.already) {
        const readyMs = Object.fromEntries(Object.entries(started).map(([n, r]) => [n, r.readyMs]));
        await fsp.mkdir(ctx.paths.run, { recursive: true });
        await fsp.writeFile(
          startupFile(ctx.paths),
          JSON.stringify({ at: new Date().toISOString(), readyMs }, null, 2) + '\n',
        );
      }
    },
    down: (ctx) => stopMetrics(ctx.paths),
    async plan(ctx) {
      const stack = metricsStack(ctx.paths, ctx.env, kafkaBootstrap(ctx));
      return [
        `render ${path.relative(ctx.paths.root, configTemplate(ctx.paths))} -> ${renderedConfig(ctx.paths)}`,
        ...inStartOrder(stack).map((p) =>
          [p.command, ...p.args].join(' '),
        ),
      ];
    },
    async rows(ctx) {
      const ports = metricsPorts(ctx.env);
      const rows: ProcessRow[] = [];
      const built = (name: string) => builtRelease(ctx.paths, name);
      for (const [name, port, detail] of [
        ['prometheus', ports.prometheus, `Prometheus ${await built('prometheus')} (Go module build: API, no web UI)`],
        ['alertmanager', ports.alertmanager, `Alertmanager ${await built('alertmanager')} (routes of the k3d chart)`],
        ['node-exporter', ports.nodeExporter, 'Debian prometheus-node-exporter'],
        ['kafka-lag-exporter', ports.lagExporter, 'kafka_exporter series (TypeScript, tasks/targets/native/lag-exporter)'],
      ] as const) {
        const rec = await readPid(ctx.paths, name);
        rows.push({
          name,
          state: rec ? 'running' : 'stopped',
          pid: rec?.pid,
          port,
          uptimeMs: rec ? Date.now() - Date.parse(rec.startedAt) : undefined,
          rssBytes: rec ? await rssOfTree(rec.pid) : undefined,
          dataBytes:
            name === 'prometheus'
              ? await dirSize(prometheusData(ctx.paths))
              : name === 'alertmanager'
                ? await dirSize(alertmanagerData(ctx.paths))
                : undefined,
          detail,
        });
      }
      return rows;
    },
  };
}
