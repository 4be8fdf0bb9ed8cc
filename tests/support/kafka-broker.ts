// A real Apache Kafka broker for integration tests: the native target's own start/stop code,
// in a temp PLATFORM_DIR on free ports (never 19092 or the repo's .platform/), sharing the
// jar cache (fetched once by tasks/config/kafka-jars.ts). Always call stop() in a finally block.
//
//   const broker = await startTestBroker();
//   try { ... broker.bootstrap ... } finally { await broker.stop(); }
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Paths } from '../../tasks/context.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import {
  installKafkaJars,
  kafkaBootstrap,
  KAFKA_PROCESS,
  restartKafka,
  startKafka,
  stopKafka,
  type KafkaSettings,
} from '../../tasks/targets/native/kafka.ts';
import { freePorts } from './free-ports.ts';
import { readPid } from '../../tasks/targets/native/supervisor.ts';

export interface TestBroker {
  bootstrap: string;
  port: number;
  paths: Paths;
  settings: KafkaSettings;
  /** Graceful stop + start through the orchestrator's code; ms until it answers again. */
  restart(): Promise<number>;
  /** SIGKILL the broker's process group (a crash); stop() still cleans up afterwards. */
  kill(): Promise<void>;
  /** Stops the broker and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Set by tests/run.ts to the run's shared broker (JSON of SharedBroker). */
export const SHARED_BROKER_ENV = 'TEST_SHARED_KAFKA';
export type SharedBroker = Pick<TestBroker, 'bootstrap' | 'port' | 'settings'>;

/**
 * JVM options of every test broker: C1 only (no C2 compiler threads). A broker's boot, restart and
 * stop cost about half the CPU (8 s instead of 13-15 s measured for start + restart + stop, load
 * 21-23): most of a test broker's life is boots, and the machine running the suite has 2 cores.
 * The tests assert what a broker does, never how fast it does it at steady state.
 */
export const TEST_BROKER_JVM_ARGS = ['-XX:TieredStopAtLevel=1'] as const;

/**
 * Broker settings of every test broker, after the manifest's. A broker killed with SIGKILL and
 * started again cannot register until the controller has fenced its previous incarnation, at the
 * end of that one's session (broker.session.timeout.ms, 9 s by default): the start after a kill
 * took 12.5-16.8 s, 8 s of it refused with DUPLICATE_BROKER_REGISTRATION, against 5.6-5.9 s with
 * a 3 s session (load 9-10). Heartbeats every 500 ms keep a live broker well inside it.
 */
export const TEST_BROKER_PROPERTIES = {
  'broker.session.timeout.ms': '3000',
  'broker.heartbeat.interval.ms': '500',
} as const;

export async function startTestBroker(opts: { heapMb?: number } = {}): Promise<TestBroker> {
  const base = resolvePaths();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kafka-test-'));
  const paths = resolvePaths({ ...process.env, PLATFORM_DIR: dir, PLATFORM_CACHE: base.cache });
  await installKafkaJars(paths);
  const [port, controllerPort, metricsPort] = (await freePorts(3)) as [number, number, number];
  const settings: KafkaSettings = {
    port,
    controllerPort,
    metricsPort,
    heapMb: opts.heapMb ?? 384,
    jvmArgs: TEST_BROKER_JVM_ARGS,
    serverProperties: TEST_BROKER_PROPERTIES,
  };
  let stopped = false;
  try {
    await startKafka({ paths, settings });
  } catch (e) {
    await stopKafka({ paths, settings }).catch(() => undefined);
    await fsp.rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    bootstrap: kafkaBootstrap(settings),
    port,
    paths,
    settings,
    restart: () => restartKafka({ paths, settings }),
    kill: async () => {
      const rec = await readPid(paths, KAFKA_PROCESS);
      if (!rec) return;
      try {
        process.kill(-rec.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await stopKafka({ paths, settings });
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      try {
        await stopKafka({ paths, settings });
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * The run's shared broker when tests/run.ts started one (a file that only needs a broker: its own
 * topics and groups, never a restart or a kill), else a broker of this file's own. stop() leaves
 * the shared one to the runner; restart() and kill() refuse: a file doing either owns its broker.
 */
export async function sharedTestBroker(): Promise<TestBroker> {
  const shared = process.env[SHARED_BROKER_ENV];
  if (!shared) return startTestBroker();
  const b = JSON.parse(shared) as SharedBroker;
  const refuse = (what: string) => () =>
    Promise.reject(new Error(`${what} of the run's shared broker: use startTestBroker() for a broker of your own`));
  return {
    ...b,
    paths: resolvePaths({ ...process.env, PLATFORM_DIR: path.join(os.tmpdir(), 'shared-broker-not-yours') }),
    restart: refuse('restart'),
    kill: refuse('kill'),
    stop: async () => {},
  };
}
