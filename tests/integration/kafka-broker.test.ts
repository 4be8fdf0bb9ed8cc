// The native event bus against a real Apache Kafka broker (KRaft, one node) started by the
// orchestrator's own code in a temp PLATFORM_DIR on free ports: topics, keyed round trip,
// durability across a restart, clean shutdown, repeated start/stop, and the error paths.
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError, type Check } from '../../tasks/engine/task.ts';
import {
  startKafka,
  stopKafka,
  kafkaRows,
  kafkaLastStart,
  KAFKA_PROCESS,
} from '../../tasks/targets/native/kafka.ts';
import { canBind, freePort, isListening } from '../../tasks/ports.ts';
import { isAlive, readPid } from '../../tasks/targets/native/supervisor.ts';
import { execa } from 'execa';
import type { Admin } from 'kafkajs';
import { REPO_ROOT } from '../../tasks/paths.ts';
import {
  createTopicsReady,
  ensureTopics,
  orchestratorKafka,
  SEED_TOPICS,
} from '../../tasks/topics.ts';
import { brokerReady, roundTripChecks, topicChecks } from '../../tasks/phase0/03-event-bus/checks.ts';
import { durabilityChecks } from '../../tasks/phase0/03-event-bus/durability-checks.ts';
import { ACCESS_CHECKS } from '../../tasks/phase0/03-event-bus/access-checks.ts';
import type { Paths, PlatformContext } from '../../tasks/context.ts';
import { nativeEndpoints } from '../../tasks/targets/native/index.ts';
import type { Component } from '../../tasks/targets/target.ts';
import { runChecks, type DefinedCheck } from '../../validation/lib/define-check.ts';
import { startTestBroker, type TestBroker } from '../support/kafka-broker.ts';
import { loud } from '../support/loud-hook.ts';

/** Exited: no such process, or a zombie waiting for this test process (its parent) to reap it. */
async function exited(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return true;
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** Deletes a topic, waits until the broker forgets it (deletion is asynchronous), creates it anew. */
async function recreate(admin: Admin, topic: string, partitions: number): Promise<void> {
  await admin.deleteTopics({ topics: [topic], timeout: 15_000 });
  for (let i = 0; i < 100 && (await admin.listTopics()).includes(topic); i++)
    await new Promise((r) => setTimeout(r, 200));
  await createTopicsReady(admin, [{ topic, numPartitions: partitions, replicationFactor: 1 }]);
}

/**
 * Runs 0-3 checks against the test broker: a context whose target's Kafka endpoint is it and
 * whose event-bus component reports `readyMs` as its recorded time to ready.
 */
function runOn(b: { bootstrap: string; paths: Paths }, checks: DefinedCheck[], readyMs?: number) {
  const bus = {
    facts: async () => (readyMs === undefined ? {} : { startup: { at: '', readyMs: { kafka: readyMs } } }),
  };
  const ctx = {
    signal: new AbortController().signal,
    log: () => undefined,
    logFile: '/dev/null',
    paths: b.paths,
    env: {},
    target: {
      name: 'native',
      describe: 'test broker',
      endpoints: () => ({ ...nativeEndpoints({}), kafka: { url: b.bootstrap } }),
      components: { 'event-bus': bus as unknown as Component<PlatformContext> },
      tools: [],
    },
  } satisfies PlatformContext;
  return runChecks(ctx, checks);
}

const internalAccess = ACCESS_CHECKS.find((c) => c.spec.id === '0-3.internal-access')!;

const lifecycle = suite<{ broker?: TestBroker }>('kafka: real broker lifecycle');

lifecycle.before(
  loud(async (ctx) => {
    ctx.broker = await startTestBroker();
  }),
);

lifecycle.after(async (ctx) => {
  await ctx.broker?.stop();
});

lifecycle('broker answers a describeCluster request and reports its time to ready', async ({ broker }) => {
  const b = broker!;
  const started = await kafkaLastStart(b.paths);
  assert.ok(started, 'the start record of the running broker');
  const [c] = (await runOn(b, [brokerReady()], started.readyMs)) as [Check];
  assert.is(c.status, 'pass', c.reason);
  assert.is(c.measured, started.readyMs);
  assert.match(c.evidence ?? '', /1 broker\(s\)/);
});

lifecycle('status row: running, pid, port, RSS and data size', async ({ broker }) => {
  const b = broker!;
  const [row] = await kafkaRows(b.paths, b.settings);
  assert.ok(row);
  assert.is(row.state, 'running');
  assert.is(row.port, b.port);
  assert.ok(row.pid !== undefined && isAlive(row.pid));
  assert.ok(
    (row.rssBytes ?? 0) > 50 * 1024 * 1024,
    `a JVM broker uses more than 50 MiB, got ${row.rssBytes}`,
  );
  assert.ok((row.dataBytes ?? 0) > 0, 'formatted storage has files');
});

lifecycle('topics-create creates the six seed topics, then changes nothing', async ({ broker }) => {
  const b = broker!;
  const first = await ensureTopics(b.bootstrap);
  assert.equal(
    first.map((o) => [o.name, o.outcome]),
    SEED_TOPICS.map((t) => [t.name, 'created']),
  );
  const second = await ensureTopics(b.bootstrap);
  assert.equal(
    second.map((o) => o.outcome),
    SEED_TOPICS.map(() => 'unchanged'),
  );
  const checks = await runOn(b, topicChecks());
  assert.is(checks.length, 6);
  for (const c of checks) assert.is(c.status, 'pass', `${c.id}: ${c.reason}`);
  assert.is(checks.find((c) => c.id === '0-3.topic.market-data.trades')?.measured, 6);
});

lifecycle(
  'a topic with another partition count is reported with both numbers, never altered',
  async ({ broker }) => {
    const b = broker!;
    const wrong = [{ name: 'orders.placed', partitions: 5, replicationFactor: 1 }];
    const [o] = await ensureTopics(b.bootstrap, wrong);
    assert.equal(o, { name: 'orders.placed', outcome: 'mismatch', expected: 5, actual: 3 });
    const [c] = await runOn(b, topicChecks(wrong));
    assert.is(c?.status, 'fail');
    assert.is(c?.measured, 3);
    assert.match(c?.reason ?? '', /has 3 partitions, the seed says 5/);
    const [still] = await runOn(b, topicChecks([SEED_TOPICS[4]!]));
    assert.is(still?.status, 'pass', 'orders.placed keeps its 3 partitions');
  },
);

lifecycle('keyed round trip on every seed topic: keys, values, order per partition', async ({ broker }) => {
  const b = broker!;
  // One topic each, a group of its own each: run side by side (one after another: 33 s, each
  // mostly waiting for its consumer to join and fetch).
  const checks = (await Promise.all(roundTripChecks().map((c) => runOn(b, [c])))).flat();
  assert.is(checks.length, 6);
  for (const c of checks) {
    assert.is(c.status, 'pass', `${c.id}: ${c.reason}`);
    assert.is(c.measured, 30);
  }
});

lifecycle(
  '0-3.internal-access: a skip until a service consumes the demo topic, then its group is the proof',
  async ({ broker }) => {
    const b = broker!;
    const [none] = await runOn(b, [internalAccess]);
    assert.is(none?.status, 'skip');
    assert.match(none?.reason ?? '', /no consumer group holds demo\.events partitions: /);
    const kafka = orchestratorKafka(b.bootstrap, 'demo-service');
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsReady(admin, [{ topic: 'demo.events', numPartitions: 3, replicationFactor: 1 }]);
    await admin.disconnect();
    // A short session: after the broker restart kafkajs rejoins as a new member, and the
    // coordinator waits out the old one's session (30 s by default, the check's whole wait).
    const consumer = kafka.consumer({ groupId: 'demo-service', sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    try {
      const joined = new Promise<void>((r) => consumer.on(consumer.events.GROUP_JOIN, () => r()));
      await consumer.connect();
      await consumer.subscribe({ topic: 'demo.events' });
      await consumer.run({ eachMessage: async () => undefined });
      await joined;
      const [c] = await runOn(b, [internalAccess]);
      assert.is(c?.status, 'pass', c?.reason);
      assert.is(c?.measured, 1);
      assert.match(
        c?.evidence ?? '',
        /group demo-service: demo-service from .*, demo\.events partitions 0,1,2/,
      );
      assert.is(c?.proof, 'substitute', 'no cluster in this target: a named stand-in');
      assert.match(c?.substitute?.for ?? '', /inside the k3d cluster/);
      // Right after a broker restart the group is rebalancing: the check waits for the rejoin
      // (a second verify once skipped here) instead of reporting no consumer.
      await b.restart();
      const [after] = await runOn(b, [internalAccess]);
      assert.is(after?.status, 'pass', after?.reason);
    } finally {
      await consumer.disconnect();
    }
  },
);

lifecycle(
  'acks=all messages survive a restart through the orchestrator; nothing lost',
  async ({ broker }) => {
    const b = broker!;
    const pidBefore = (await readPid(b.paths, KAFKA_PROCESS))?.pid;
    const [durable, restart] = await runOn(
      b,
      durabilityChecks(
        { how: 'test: stopKafka + startKafka', restart: async () => void (await b.restart()) },
        { count: 500 },
      ),
    );
    assert.is(durable?.status, 'pass', durable?.reason);
    assert.is(durable?.measured, 500);
    assert.is(restart?.status, 'pass');
    assert.ok(typeof restart?.measured === 'number' && restart.measured > 0);
    const pidAfter = (await readPid(b.paths, KAFKA_PROCESS))?.pid;
    assert.ok(pidAfter !== undefined && pidAfter !== pidBefore, 'a new broker process after the restart');
  },
);

lifecycle(
  'CLI topics-create: unchanged run exits 0; a mismatched topic exits 1 naming both numbers',
  async ({ broker }) => {
    const b = broker!;
    const env = {
      ...process.env,
      PLATFORM_DIR: b.paths.platform,
      KAFKA_PORT: String(b.port),
      KAFKA_CONTROLLER_PORT: String(b.settings.controllerPort),
      KAFKA_METRICS_PORT: String(b.settings.metricsPort),
      CI: 'true',
    };
    const cli = () =>
      execa('npx', ['tsx', 'tasks.ts', 'topics-create', '--target', 'native'], {
        cwd: REPO_ROOT,
        env,
        reject: false,
      });
    const ok = await cli();
    assert.is(ok.exitCode, 0, ok.stderr);
    assert.is(ok.stdout.match(/already present, unchanged/g)?.length, 6, ok.stdout);
    assert.match(ok.stdout, /all 6 topics already present, nothing changed/);

    // Make orders.filled disagree with the seed, then put it back.
    const admin = orchestratorKafka(b.bootstrap).admin();
    await admin.connect();
    try {
      await recreate(admin, 'orders.filled', 2);
      const bad = await cli();
      assert.is(bad.exitCode, 1, bad.stdout);
      assert.match(bad.stdout, /orders\.filled: exists with 2 partitions, the seed says 3/);
      assert.match(bad.stdout, /1 topic\(s\) differ from the seed; nothing was changed on them/);
      const [c] = await runOn(b, topicChecks([SEED_TOPICS[5]!]));
      assert.is(c?.status, 'fail');
      assert.match(c?.reason ?? '', /has 2 partitions, the seed says 3/);
    } finally {
      await recreate(admin, 'orders.filled', 3);
      await admin.disconnect();
    }
    assert.is((await ensureTopics(b.bootstrap, [SEED_TOPICS[5]]))[0]?.outcome, 'unchanged');
  },
);

lifecycle('the broker log is JSON lines', async ({ broker }) => {
  const b = broker!;
  const text = await fs.readFile(path.join(b.paths.logs, 'kafka.log'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim());
  assert.ok(lines.length > 10, `expected broker log lines, got ${lines.length}`);
  for (const l of lines) {
    let rec: Record<string, unknown> = {};
    try {
      rec = JSON.parse(l) as Record<string, unknown>;
    } catch {
      assert.unreachable(`not a JSON line in kafka.log: ${l.slice(0, 200)}`);
    }
    assert.type(rec.timestamp, 'string');
    assert.type(rec.level, 'string');
    assert.type(rec.message, 'string');
  }
  assert.ok(lines.some((l) => l.includes('Kafka Server started')));
});

lifecycle('start/stop twice in a row; down leaves no process and free ports', async ({ broker }) => {
  const b = broker!;
  for (let i = 0; i < 2; i++) {
    const pid = (await readPid(b.paths, KAFKA_PROCESS))?.pid;
    assert.ok(pid !== undefined);
    const stopped = await stopKafka(b);
    assert.ok(stopped.stopped);
    assert.ok(await exited(pid), `pid ${pid} gone after stop`);
    assert.is(await readPid(b.paths, KAFKA_PROCESS), undefined);
    assert.ok(await canBind(b.port), 'bootstrap port free');
    assert.ok(await canBind(b.settings.controllerPort), 'controller port free');
    assert.not.ok(await isListening(b.settings.metricsPort), 'metrics port closed');
    assert.is((await stopKafka(b)).stopped, false, 'a second stop is a no-op');
    const started = await startKafka(b);
    assert.is(started.already, false);
    assert.is(started.formatted, false, 'existing storage is not formatted again');
    assert.is((await startKafka(b)).already, true, 'a second start finds it running');
  }
  // Data survived both cycles.
  const checks = await runOn(b, topicChecks());
  for (const c of checks) assert.is(c.status, 'pass', `${c.id}: ${c.reason}`);
});

lifecycle.run();

const errors = suite('kafka: start errors');

errors('a busy bootstrap port is a usage error naming the port and the pid holding it', async () => {
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const port = (holder.address() as net.AddressInfo).port;
  const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'kafka-busy-'));
  const { resolvePaths } = await import('../../tasks/paths.ts');
  const paths = resolvePaths({ ...process.env, PLATFORM_DIR: dir, PLATFORM_CACHE: resolvePaths().cache });
  try {
    const settings = { port, controllerPort: await freePort(), metricsPort: await freePort(), heapMb: 256 };
    const err = await startKafka({ paths, settings }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, UsageError);
    const msg = (err as Error).message;
    assert.match(msg, new RegExp(`port ${port} is already in use by pid ${process.pid}`));
    assert.match(msg, /KAFKA_PORT/);
    assert.not.ok(msg.includes('\n'), 'one line');
    assert.is(await readPid(paths, KAFKA_PROCESS), undefined, 'nothing half-started');
  } finally {
    await new Promise((r) => holder.close(r));
    await fs.rm(dir, { recursive: true, force: true });
  }
});

errors('a busy controller port is named too, before anything starts', async () => {
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const controllerPort = (holder.address() as net.AddressInfo).port;
  const dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'kafka-busy-'));
  const { resolvePaths } = await import('../../tasks/paths.ts');
  const paths = resolvePaths({ ...process.env, PLATFORM_DIR: dir, PLATFORM_CACHE: resolvePaths().cache });
  try {
    const settings = { port: await freePort(), controllerPort, metricsPort: await freePort(), heapMb: 256 };
    const err = await startKafka({ paths, settings }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, UsageError);
    assert.match(
      (err as Error).message,
      new RegExp(`port ${controllerPort} is already in use by pid ${process.pid}.*KAFKA_CONTROLLER_PORT`),
    );
    assert.is(await readPid(paths, KAFKA_PROCESS), undefined);
  } finally {
    await new Promise((r) => holder.close(r));
    await fs.rm(dir, { recursive: true, force: true });
  }
});

errors.run();
