// A real Apache Kafka broker for integration tests: the native target's own start/stop code,
// in a temp PLATFORM_DIR on free ports (never 19092 or the repo's .platform/), sharing the
// jar cache (fetched once by kafka-install). Always call stop() in a finally block.
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
import { freePort } from '../../tasks/ports.ts';
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

/** Distinct free ports: freePort() may hand back the same port twice in a row. */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export async function startTestBroker(opts: { heapMb?: number } = {}): Promise<TestBroker> {
  const base = resolvePaths();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kafka-test-'));
  const paths = resolvePaths({ ...process.env, PLATFORM_DIR: dir, PLATFORM_CACHE: base.cache });
  await installKafkaJars(paths);
  const [port, controllerPort, metricsPort] = (await freePorts(3)) as [number, number, number];
  const settings: KafkaSettings = { port, controllerPort, metricsPort, heapMb: opts.heapMb ?? 384 };
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
