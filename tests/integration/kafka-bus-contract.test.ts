// One contract for every EventBus implementation of the service template (KAFKA_CLIENTS:
// @platformatic/kafka, the default, and kafkajs), run against a real Apache Kafka broker on free
// ports: produce/consume with keys and headers, at-least-once delivery (a failed handler's
// message comes again; a consumer restarted in the same group resumes where the first stopped),
// bad input, the broker down (BusUnavailableError, /ready and a producing route 503) and recovery.
import { trace } from '@opentelemetry/api';
import { murmur2 } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildServer, type ServiceDeps } from '../../templates/service/src/app.ts';
import { loadConfig } from '../../templates/service/src/config.ts';
import {
  BusUnavailableError,
  MessageTooLargeError,
  type EventBus,
  type IncomingMessage,
} from '../../templates/service/src/kafka/bus.ts';
import { createBus, KAFKA_CLIENTS, type KafkaClient } from '../../templates/service/src/kafka/client.ts';
import { instrumentBus } from '../../templates/service/src/kafka/instrumented.ts';
import { createLogger } from '../../templates/service/src/lib/logging.ts';
import { createMetrics } from '../../templates/service/src/metrics.ts';
import { startTestBroker, type TestBroker } from '../support/kafka-broker.ts';
import { keptLogger } from '../support/kept-logger.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';
import { loud } from '../support/loud-hook.ts';

const TIMEOUT_MS = 3_000;
const logger = createLogger({ service: 'bus-contract', level: 'fatal' });

interface Ctx {
  broker?: TestBroker;
}

const contract = suite<Ctx>('event bus contract on a real broker');

contract.before(
  loud(async (ctx) => {
    ctx.broker = await startTestBroker();
  }),
);

contract.after(async (ctx) => {
  await ctx.broker?.stop();
});

let seq = 0;
const uniqueTopic = (client: string, what: string) => `contract-${client}-${what}-${process.pid}-${++seq}`;

function newBus(client: KafkaClient, broker: TestBroker, log = logger): EventBus {
  return createBus(client, {
    clientId: `contract-${client}`,
    brokers: [broker.bootstrap],
    timeoutMs: TIMEOUT_MS,
    logger: log,
  });
}

/** Messages in the topic: the sum of its partitions' high watermarks (topics are new per test). */
async function messagesIn(bootstrap: string, topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'contract', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

async function until(what: string, ms: number, probe: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`${what}: not true after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The partition the Java client (and kafkajs' DefaultPartitioner) picks for a key. */
const javaPartition = (key: string, partitions: number) =>
  (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;

for (const client of KAFKA_CLIENTS) {
  contract(
    `${client}: produce and consume with keys and headers; offsets are the broker's`,
    async ({ broker }) => {
      const b = broker!;
      const bus = newBus(client, b);
      const topic = uniqueTopic(client, 'roundtrip');
      try {
        await bus.ensureTopics([{ topic, partitions: 3 }]);
        await bus.ensureTopics([{ topic, partitions: 3 }]); // idempotent
        const got: IncomingMessage[] = [];
        bus.consume({ topics: [topic], groupId: `${topic}-g`, fromBeginning: true }, async (m) => {
          got.push(m);
        });
        const sent = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            bus.produce(topic, {
              key: `order-${i % 5}`,
              value: JSON.stringify({ i }),
              headers: { 'x-seq': String(i), traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
            }),
          ),
        );
        const unkeyed = await bus.produce(topic, { value: 'no key' });
        for (const [i, d] of sent.entries()) {
          assert.is(d.topic, topic);
          assert.is(d.partition, javaPartition(`order-${i % 5}`, 3), `key order-${i % 5}: partition`);
          assert.match(d.offset, /^\d+$/);
        }
        // Offsets are distinct per partition: every message got its own.
        const where = new Set(sent.map((d) => `${d.partition}:${d.offset}`));
        assert.is(where.size, sent.length, 'two messages reported the same partition and offset');
        await until('all 31 consumed', HANG_GUARD_MS, () => got.length >= 31);
        assert.is(await messagesIn(b.bootstrap, topic), 31);
        for (const m of got.filter((x) => x.key !== undefined)) {
          const i = (JSON.parse(m.value) as { i: number }).i;
          assert.is(m.key, `order-${i % 5}`);
          assert.is(m.headers['x-seq'], String(i));
          assert.is(m.headers.traceparent, `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`);
          assert.equal(
            { partition: m.partition, offset: m.offset },
            { partition: sent[i]!.partition, offset: sent[i]!.offset },
          );
          assert.ok(
            m.timestamp > Date.now() - 120_000 && m.timestamp <= Date.now() + 1000,
            'broker timestamp',
          );
        }
        const lone = got.find((m) => m.key === undefined);
        assert.is(lone?.value, 'no key');
        assert.is(lone?.offset, unkeyed.offset);
        // Per partition, the consumer sees the order the producer acknowledged.
        for (const p of [0, 1, 2]) {
          const offsets = got.filter((m) => m.partition === p).map((m) => Number(m.offset));
          assert.equal(
            offsets,
            [...offsets].sort((x, y) => x - y),
            `partition ${p} out of order`,
          );
        }
        assert.ok((await bus.ready()).ok);
      } finally {
        await bus.close();
      }
    },
  );

  contract(
    `${client}: at-least-once: a failed handler's message comes again; a restart resumes after the last handled`,
    async ({ broker }) => {
      const b = broker!;
      const topic = uniqueTopic(client, 'alo');
      const groupId = `${topic}-g`;
      const first = newBus(client, b);
      const handled: number[] = [];
      let failedOnce = false;
      // The first consumer stops while its handler holds message 12: what it handled up to and
      // including 12 must not be lost, and nothing after 12 may be skipped by the second.
      let release: (() => void) | undefined;
      try {
        await first.ensureTopics([{ topic, partitions: 1 }]);
        for (let i = 0; i < 20; i++) await first.produce(topic, { key: 'k', value: String(i) });
        first.consume({ topics: [topic], groupId, fromBeginning: true }, async (m) => {
          const i = Number(m.value);
          if (i === 5 && !failedOnce) {
            failedOnce = true;
            throw new Error('handler failed once');
          }
          if (i === 12 && !release) await new Promise<void>((r) => (release = r));
          handled.push(i);
        });
        await until('first consumer holds message 12', HANG_GUARD_MS, () => release !== undefined);
      } finally {
        const closing = first.close();
        release?.();
        await closing;
      }
      assert.ok(handled.includes(12), `the handler in flight at close did not finish: ${handled.join(',')}`);
      assert.ok(!handled.some((i) => i > 12), `handled after close: ${handled.join(',')}`);
      assert.ok(failedOnce);
      assert.ok(handled.includes(5), 'the message whose handler failed was not delivered again');
      const byFirst = new Set(handled);
      // A second consumer in the same group: gets every message the first did not handle.
      const second = newBus(client, b);
      const again: number[] = [];
      try {
        second.consume({ topics: [topic], groupId, fromBeginning: true }, async (m) => {
          again.push(Number(m.value));
        });
        await until('second consumer reached the end', HANG_GUARD_MS, () => again.includes(19));
      } finally {
        await second.close();
      }
      const all = new Set([...handled, ...again]);
      assert.is(all.size, 20, `lost: ${[...Array(20).keys()].filter((i) => !all.has(i)).join(', ')}`);
      const duplicates = again.filter((i) => byFirst.has(i)).length;
      // Allowed (at-least-once), but counted: offsets are committed after each handler, so a
      // graceful stop should redeliver little or nothing.
      console.log(`  ${client}: at-least-once across a restart: 20/20 handled, ${duplicates} duplicate(s)`);
    },
  );

  contract(
    `${client}: a group that starts at the latest offset keeps that place across a restart before its first message`,
    async ({ broker }) => {
      // Without a committed offset every new consumer resolves "latest" again, so what was
      // produced while the group's consumer restarted (a broker crash, a redeploy) would be skipped.
      const b = broker!;
      const topic = uniqueTopic(client, 'latest');
      const groupId = `${topic}-g`;
      const first = newBus(client, b);
      try {
        await first.ensureTopics([{ topic, partitions: 3 }]);
        first.consume({ topics: [topic], groupId }, async () => undefined);
        await until('first consumer fetching', HANG_GUARD_MS, async () => (await first.ready()).ok);
      } finally {
        await first.close();
      }
      const producer = newBus(client, b);
      const second = newBus(client, b);
      const got: string[] = [];
      try {
        for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) await producer.produce(topic, { key, value: key });
        second.consume({ topics: [topic], groupId }, async (m) => void got.push(m.value));
        await until(
          'second consumer got what was produced between the two',
          HANG_GUARD_MS,
          () => got.length >= 6,
        );
        assert.equal([...got].sort(), ['a', 'b', 'c', 'd', 'e', 'f']);
      } finally {
        await Promise.all([producer.close(), second.close()]);
      }
    },
  );

  contract(
    `${client}: bad input: a message over the broker's limit is refused (nothing written), others still go`,
    async ({ broker }) => {
      const b = broker!;
      const bus = newBus(client, b);
      const topic = uniqueTopic(client, 'bad');
      try {
        await bus.ensureTopics([{ topic, partitions: 2 }]);
        // Keys for both partitions; each partition already holds one message of this producer, so
        // the refused one leaves a gap in an idempotent producer's numbering of its partition.
        const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
        const same = keys.filter((k) => javaPartition(k, 2) === javaPartition('big', 2));
        const other = keys.find((k) => javaPartition(k, 2) !== javaPartition('big', 2))!;
        await bus.produce(topic, { key: same[0]!, value: 'before' });
        await bus.produce(topic, { key: other, value: 'before' });
        // The broker's default message.max.bytes is 1 MiB + 12 bytes: 2 MiB is over it.
        const big = 'x'.repeat(2 * 1024 * 1024);
        const [tooBig, ...small] = await Promise.allSettled([
          bus.produce(topic, { key: 'big', value: big }),
          bus.produce(topic, { key: same[1]!, value: 'fine' }),
          bus.produce(topic, { key: other, value: 'fine' }),
        ]);
        assert.is(tooBig.status, 'rejected');
        const err = (tooBig as PromiseRejectedResult).reason as Error;
        assert.instance(err, MessageTooLargeError, `${err.name}: ${err.message}`);
        assert.match(err.message, /larger than the broker accepts/);
        assert.equal(
          small.map((s) => s.status),
          ['fulfilled', 'fulfilled'],
          'a small message sent alongside was refused too',
        );
        assert.is(
          await messagesIn(b.bootstrap, topic),
          4,
          'the topic should hold the 2 earlier and the 2 small messages: nothing of the refused one, nothing twice',
        );

        // A topic that does not exist: refused within the bound (no auto-creation).
        const t0 = Date.now();
        const missing = await bus.produce(`${topic}-missing`, { value: 'x' }).catch((e: unknown) => e);
        assert.instance(missing, BusUnavailableError);
        assert.ok(Date.now() - t0 < TIMEOUT_MS * 3, `took ${Date.now() - t0} ms`);

        bus.consume({ topics: [topic], groupId: `${topic}-g` }, async () => undefined);
        assert.throws(
          () => bus.consume({ topics: [topic], groupId: `${topic}-g` }, async () => undefined),
          /already/,
        );
      } finally {
        await bus.close();
      }
    },
  );

  contract(
    `${client}: broker down → BusUnavailableError, /ready and POST 503; broker back → produce and consume again`,
    async ({ broker }) => {
      const b = broker!;
      const kept = keptLogger('bus-contract');
      const raw = newBus(client, b, kept.log);
      const metrics = createMetrics();
      const tracer = trace.getTracer('contract');
      const bus = instrumentBus(raw, { tracer, metrics });
      const topic = uniqueTopic(client, 'down');
      const deps: ServiceDeps = {
        config: loadConfig({ SERVICE_NAME: 'contract' }),
        logger,
        tracer,
        metrics,
        bus,
      };
      const app = await buildServer(deps, {
        routes(a) {
          a.post('/produce', async (_req, reply) =>
            reply.code(201).send(await bus.produce(topic, { value: 'p' })),
          );
        },
      });
      const got: string[] = [];
      try {
        await bus.ensureTopics([{ topic, partitions: 1 }]);
        // From the beginning: the group is new and commits nothing before the broker is killed, so
        // with the default (latest) a member that rejoins after the restart starts at the end of the
        // topic and skips what was produced meanwhile: Kafka's offset reset, not the recovery under
        // test. kafkajs rejoins as a new member; the likely cause (not verified) of two failures on
        // a loaded machine, where the group never got 'p' or the message produced after recovery.
        bus.consume(
          { topics: [topic], groupId: `${topic}-g`, fromBeginning: true },
          async (m) => void got.push(m.value),
        );
        await until(
          'ready',
          HANG_GUARD_MS,
          async () => (await app.inject({ url: '/ready' })).statusCode === 200,
        );
        assert.is((await app.inject({ method: 'POST', url: '/produce' })).statusCode, 201);

        await b.kill();
        const t0 = Date.now();
        const err = await bus.produce(topic, { value: 'while down' }).catch((e: unknown) => e);
        assert.instance(err, BusUnavailableError);
        assert.ok(Date.now() - t0 <= TIMEOUT_MS + 1000, `BusUnavailableError after ${Date.now() - t0} ms`);
        const post = await app.inject({ method: 'POST', url: '/produce' });
        assert.is(post.statusCode, 503, post.body);
        assert.match(post.json<{ message: string }>().message, /kafka/);
        await until(
          '/ready 503',
          HANG_GUARD_MS,
          async () => (await app.inject({ url: '/ready' })).statusCode === 503,
        );

        await b.restart();
        await until(
          '/ready 200 after the broker returned',
          HANG_GUARD_MS,
          async () => (await app.inject({ url: '/ready' })).statusCode === 200,
        );
        const r = await app.inject({ method: 'POST', url: '/produce' });
        assert.is(r.statusCode, 201, r.body);
        await until('consumed after recovery', HANG_GUARD_MS, () => got.length >= 2).catch((e: Error) => {
          throw new Error(
            `${e.message}; consumed: ${got.join(', ')}; the client's last lines:\n${kept.tail()}`,
          );
        });
      } finally {
        await app.close();
        await bus.close();
      }
    },
  );
}

contract.run();
