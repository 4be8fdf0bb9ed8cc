// The native target's event bus: Apache Kafka in KRaft combined mode, one node, on the JVM,
// supervised like a `docker compose up -d` container (see supervisor.ts). Listens on 127.0.0.1
// only; data under <platform>/data/kafka survives down/up; readiness is a real Kafka answer
// (describeCluster), never a sleep. Broker metrics via the Prometheus JMX exporter agent.
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { execa } from '../../lazy-execa.ts';
import type { Paths, PlatformContext } from '../../context.ts';
import { UsageError } from '../../engine/task.ts';
import { orchestratorKafka } from '../../topics.ts';
import type { Component, ProcessRow } from '../target.ts';
import {
  installKafkaJars,
  javaBin,
  kafkaJars,
  kafkaManifestDir,
  requireJava,
  type KafkaJars,
} from '../../config/kafka-jars.ts';
import {
  dirSize,
  identityOf,
  readPid,
  rssOfTree,
  start,
  stop,
  tail,
  type ProcessSpec,
  portInUse,
} from './supervisor.ts';
import { canBind } from '../../ports.ts';

export { kafkaJars, kafkaLibDir, installKafkaJars, type KafkaJars } from '../../config/kafka-jars.ts';

export const KAFKA_PROCESS = 'kafka';

export interface KafkaSettings {
  /** PLAINTEXT listener, the bootstrap port (KAFKA_PORT, default 19092). */
  port: number;
  /** KRaft controller listener (KAFKA_CONTROLLER_PORT, default 19093). */
  controllerPort: number;
  /** Prometheus JMX exporter (KAFKA_METRICS_PORT, default 7071). */
  metricsPort: number;
  /** JVM max heap in MiB (KAFKA_HEAP_MB, default 512). */
  heapMb: number;
  /**
   * More JVM options, after the defaults (not a setting of `up`: the test brokers pass
   * -XX:TieredStopAtLevel=1, which halves the CPU of a boot; see tests/support/kafka-broker.ts).
   */
  jvmArgs?: readonly string[];
  /**
   * More broker settings, appended to the manifest's server.properties (not a setting of `up`:
   * the test brokers shorten the waits of a broker killed and started again; see
   * tests/support/kafka-broker.ts).
   */
  serverProperties?: Readonly<Record<string, string>>;
}

function intSetting(env: Readonly<Record<string, string | undefined>>, name: string, dflt: number, min = 1, max = 65535): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${name}=${raw} is not a whole number in ${min}..${max}; fix it in .env or the environment`,
    );
  }
  return n;
}

export function kafkaSettings(env: Readonly<Record<string, string | undefined>>): KafkaSettings {
  const s = {
    port: intSetting(env, 'KAFKA_PORT', 19092),
    controllerPort: intSetting(env, 'KAFKA_CONTROLLER_PORT', 19093),
    metricsPort: intSetting(env, 'KAFKA_METRICS_PORT', 7071),
    heapMb: intSetting(env, 'KAFKA_HEAP_MB', 512, 128, 16384),
  };
  const ports = [s.port, s.controllerPort, s.metricsPort];
  if (new Set(ports).size !== ports.length) {
    throw new UsageError(
      `KAFKA_PORT, KAFKA_CONTROLLER_PORT and KAFKA_METRICS_PORT must differ (got ${ports.join(', ')})`,
    );
  }
  return s;
}

export const kafkaBootstrap = (s: KafkaSettings) => `127.0.0.1:${s.port}`;
export const kafkaDataDir = (paths: Paths) => path.join(paths.data, 'kafka');
const configFile = (paths: Paths) => path.join(paths.run, 'kafka', 'server.properties');

/** A real Kafka protocol answer: describeCluster with short timeouts and no retries. */
export async function kafkaReady(bootstrap: string): Promise<boolean> {
  const admin = orchestratorKafka(bootstrap, 'example-app-readiness').admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const c = await admin.describeCluster();
    return c.brokers.length > 0 && c.controller !== null && c.controller >= 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function renderConfig(paths: Paths, s: KafkaSettings): Promise<string> {
  const template = await fsp.readFile(path.join(kafkaManifestDir(paths), 'server.properties'), 'utf8');
  const values: Record<string, string> = {
    KAFKA_PORT: String(s.port),
    CONTROLLER_PORT: String(s.controllerPort),
    DATA_DIR: kafkaDataDir(paths),
  };
  const extra = Object.entries(s.serverProperties ?? {}).map(([k, v]) => `${k}=${v}\n`);
  const text = template.replace(/\$\{(\w+)\}/g, (m, k: string) => values[k] ?? m) + extra.join('');
  const left = /\$\{\w+\}/.exec(text);
  if (left) throw new Error(`unknown placeholder ${left[0]} in manifests/native/kafka/server.properties`);
  const file = configFile(paths);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, text);
  return file;
}

/** Kafka's cluster id format: 16 random bytes, base64url; Kafka rejects one starting with '-'. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Formats the storage once: a data dir with meta.properties is left alone (its data survives). */
async function formatStorage(
  paths: Paths,
  jars: KafkaJars,
  config: string,
  signal?: AbortSignal,
  jvmArgs: readonly string[] = [],
): Promise<boolean> {
  const data = kafkaDataDir(paths);
  const formatted = await fsp
    .access(path.join(data, 'meta.properties'))
    .then(() => true)
    .catch(() => false);
  if (formatted) return false;
  await fsp.mkdir(data, { recursive: true });
  const args = [
    '-Xmx256m',
    ...jvmArgs,
    '-cp',
    jars.classpath,
    `-Dlog4j2.configurationFile=${path.join(kafkaManifestDir(paths), 'log4j2.yaml')}`,
    'kafka.tools.StorageTool',
    'format',
    '--standalone',
    '-t',
    clusterId(),
    '-c',
    config,
  ];
  const r = await execa(javaBin(), args, {
    reject: false,
    all: true,
    cancelSignal: signal,
    timeout: 120_000,
  });
  if (r.failed) {
    const out = (r.all ?? '').trim().split('\n').slice(-3).join(' | ').slice(0, 500);
    throw new Error(`kafka-storage format failed for ${data} (exit ${r.exitCode}): ${out}`);
  }
  return true;
}

export interface KafkaRunOptions {
  paths: Paths;
  settings: KafkaSettings;
  signal?: AbortSignal;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

function processSpec(
  paths: Paths,
  s: KafkaSettings,
  jars: KafkaJars,
  config: string,
  readyTimeoutMs: number,
): ProcessSpec {
  const manifests = kafkaManifestDir(paths);
  return {
    name: KAFKA_PROCESS,
    command: javaBin(),
    args: [
      `-Xms${Math.min(256, s.heapMb)}m`,
      `-Xmx${s.heapMb}m`,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      // Give heap back after a burst: an idle collection every 15 s, and shrink when over 30 %
      // is free. After the 0-3 benches (100,000 messages, then 5 s at 10,000/s) the broker held
      // 515 MB (360 MB heap committed, 180 MB used) without these, 413 MB (256 MB) with them.
      '-XX:G1PeriodicGCInterval=15000',
      '-XX:MinHeapFreeRatio=10',
      '-XX:MaxHeapFreeRatio=30',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      ...(s.jvmArgs ?? []),
      `-Dlog4j2.configurationFile=${path.join(manifests, 'log4j2.yaml')}`,
      '-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager',
      `-javaagent:${jars.agentJar}=127.0.0.1:${s.metricsPort}:${path.join(manifests, 'jmx-exporter.yaml')}`,
      '-cp',
      jars.classpath,
      'kafka.Kafka',
      config,
    ],
    port: s.port,
    portHint: 'set KAFKA_PORT',
    ready: () => kafkaReady(kafkaBootstrap(s)),
    readyTimeoutMs,
    // Kafka's controlled shutdown flushes and closes the logs; give it time before SIGKILL.
    stopGraceMs: 20_000,
  };
}

/** All three ports, checked before formatting or spawning anything (the supervisor checks only one). */
async function requireFreePorts(s: KafkaSettings): Promise<void> {
  for (const [port, name] of [
    [s.port, 'KAFKA_PORT'],
    [s.controllerPort, 'KAFKA_CONTROLLER_PORT'],
    [s.metricsPort, 'KAFKA_METRICS_PORT'],
  ] as const) {
    if (!(await canBind(port))) throw await portInUse(KAFKA_PROCESS, port, `set ${name}`);
  }
}

/**
 * Starts the broker (formatting its storage the first time) and waits for a Kafka answer.
 * Already running and ready: returns at once with `already: true`.
 */
export async function startKafka(
  opts: KafkaRunOptions,
): Promise<{ pid: number; readyMs: number; already: boolean; formatted: boolean }> {
  const { paths, settings: s } = opts;
  const signal = opts.signal ?? new AbortController().signal;
  await requireJava();
  const jars = await kafkaJars(paths);
  const running = await readPid(paths, KAFKA_PROCESS);
  if (running && (await kafkaReady(kafkaBootstrap(s))))
    return { pid: running.pid, readyMs: 0, already: true, formatted: false };
  if (!running) await requireFreePorts(s);
  const config = await renderConfig(paths, s);
  const formatted = await formatStorage(paths, jars, config, signal, s.jvmArgs);
  if (formatted) opts.log?.(`formatted Kafka storage in ${kafkaDataDir(paths)}`);
  const r = await start(processSpec(paths, s, jars, config, opts.readyTimeoutMs ?? 120_000), paths, signal);
  opts.log?.(`Kafka ready on ${kafkaBootstrap(s)} (pid ${r.pid}) in ${r.readyMs} ms`);
  if (!r.already) {
    const rec: KafkaStartRecord = { pid: r.pid, readyMs: r.readyMs, formatted, at: new Date().toISOString() };
    await fsp.writeFile(lastStartFile(paths), JSON.stringify(rec) + '\n');
  }
  return { ...r, formatted };
}

export interface KafkaStartRecord {
  pid: number;
  /** Spawn to the first describeCluster answer (storage format excluded). */
  readyMs: number;
  formatted: boolean;
  at: string;
}

const lastStartFile = (paths: Paths) => path.join(paths.run, 'kafka', 'last-start.json');

/** The measured time to ready of the running broker, when this orchestrator started it. */
export async function kafkaLastStart(paths: Paths): Promise<KafkaStartRecord | undefined> {
  const rec = await fsp
    .readFile(lastStartFile(paths), 'utf8')
    .then((t) => JSON.parse(t) as KafkaStartRecord)
    .catch(() => undefined);
  const running = await readPid(paths, KAFKA_PROCESS);
  return rec && running?.pid === rec.pid ? rec : undefined;
}

/** Graceful stop (SIGTERM, grace, SIGKILL); confirms every port of the broker is free. */
export async function stopKafka(opts: {
  paths: Paths;
  settings: KafkaSettings;
}): Promise<{ stopped: boolean; stopMs: number }> {
  const s = opts.settings;
  return stop(KAFKA_PROCESS, opts.paths, {
    graceMs: 20_000,
    port: s.port,
    extraPorts: [s.controllerPort, s.metricsPort],
  });
}

/** Stop then start, as the orchestrator does it; returns the time until the broker answers again. */
export async function restartKafka(opts: KafkaRunOptions): Promise<number> {
  const t0 = performance.now();
  await stopKafka(opts);
  await startKafka(opts);
  return Math.round(performance.now() - t0);
}

export async function kafkaRows(paths: Paths, s: KafkaSettings): Promise<ProcessRow[]> {
  const rec = await readPid(paths, KAFKA_PROCESS);
  const dataBytes = await dirSize(kafkaDataDir(paths));
  if (!rec) return [{ name: KAFKA_PROCESS, state: 'stopped', port: s.port, dataBytes }];
  const ready = await kafkaReady(kafkaBootstrap(s));
  return [
    {
      name: KAFKA_PROCESS,
      state: ready ? 'running' : 'unhealthy',
      pid: rec.pid,
      port: s.port,
      uptimeMs: Date.now() - Date.parse(rec.startedAt),
      rssBytes: await rssOfTree(rec.pid),
      dataBytes,
      detail: ready
        ? `metrics :${s.metricsPort}`
        : `no Kafka answer; log: ${path.join(paths.logs, 'kafka.log')}`,
    },
  ];
}

/** The broker's last log lines, for error reports. */
export const kafkaLogTail = (paths: Paths, n = 15) => tail(path.join(paths.logs, `${KAFKA_PROCESS}.log`), n);

/** The `event-bus` component of the native target. */
export function kafkaComponent(): Component<PlatformContext> {
  // The loaded settings (.env with the environment winning), so KAFKA_PORT in .env is honoured.
  const settings = (ctx: PlatformContext) => kafkaSettings(ctx.env);
  return {
    install: async (ctx) => {
      const r = await installKafkaJars(ctx.paths, { signal: ctx.signal, log: ctx.log, ...(ctx.note ? { note: ctx.note } : {}) });
      const detail = r.fetched ? `Kafka jars fetched in ${r.ms} ms` : `Kafka jars cached in ${r.libDir}`;
      ctx.log(detail);
      return { changed: r.fetched, detail };
    },
    status: async (ctx) => {
      const s = settings(ctx);
      return (await readPid(ctx.paths, KAFKA_PROCESS)) !== undefined && (await kafkaReady(kafkaBootstrap(s)));
    },
    up: async (ctx) => {
      await startKafka({ paths: ctx.paths, settings: settings(ctx), signal: ctx.signal, log: ctx.log });
    },
    down: async (ctx) => {
      await stopKafka({ paths: ctx.paths, settings: settings(ctx) });
    },
    rows: (ctx) => kafkaRows(ctx.paths, settings(ctx)),
    facts: async (ctx) => {
      const last = await kafkaLastStart(ctx.paths);
      return last ? { startup: { at: last.at, readyMs: { kafka: last.readyMs } } } : {};
    },
    identity: (ctx) => identityOf(ctx.paths, KAFKA_PROCESS),
  };
}
