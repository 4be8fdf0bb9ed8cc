// EventBus on @platformatic/kafka (maintained, pure JS): the template's default client, chosen
// on the benchmark's numbers (docs/developer-guide/kafka-benchmark.md in the platform repo).
// Concurrent produce() calls are batched into one request (batcher.ts); the consumer commits
// each message's offset only after its handler finished (at-least-once) and, when the broker
// goes away, rejoins with the same Consumer so the group coordinator knows the member again.
import {
  Admin,
  Consumer,
  Producer,
  ProduceAcks,
  findErrorBy,
  murmur2,
  type Message,
  type MessagesStream,
} from '@platformatic/kafka';
import {
  BusUnavailableError,
  MessageTooLargeError,
  partitionKey,
  within,
  type BusOptions,
  type ConsumeOptions,
  type Delivery,
  type EventBus,
  type IncomingMessage,
  type MessageHandler,
  type Readiness,
  type TopicSpec,
} from './bus.ts';
import { BUS_BATCH_LIMITS, createBatcher, type Queued } from './batcher.ts';

type Raw = Message<Buffer | undefined, Buffer | undefined, Buffer, Buffer>;

/**
 * Handled offsets are committed at most this often (and on close). Committing after every
 * message cost the broker a __consumer_offsets write per message; a crash now redelivers at
 * most this much, which at-least-once allows.
 */
const COMMIT_INTERVAL_MS = 500;

/** Errors of the producer-id request before anything is sent: safe to try the batch again. */
const COORDINATOR_NOT_READY = [
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
];

/** After a failed consumer start or a lost stream: how long before the next attempt. */
const RESTART_DELAY_MS = [100, 250, 500, 1_000];

// The Java client's partitioner (murmur2 of the key, made positive): the same key lands on the
// same partition as with kafkajs' DefaultPartitioner and every JVM service.
const partitionOf = (key: string, partitions: number): number =>
  (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;

const text = (b: Buffer | string | undefined | null): string | undefined =>
  b === undefined || b === null ? undefined : typeof b === 'string' ? b : b.toString('utf8');

export function createPlatformaticBus(opts: BusOptions): EventBus {
  const log = opts.logger.child({ component: 'event-bus', client: '@platformatic/kafka' });
  const base = {
    clientId: opts.clientId,
    bootstrapBrokers: opts.brokers,
    timeout: opts.timeoutMs,
    connectTimeout: Math.min(opts.timeoutMs, 3_000),
    // Few quick retries: a request must fail within the caller's bound, not after minutes.
    retries: 2,
    retryDelay: 100,
    autocreateTopics: false,
  };
  // Idempotent: a produce request the client retries (its first answer lost or late) is written
  // once, so the topic holds exactly the messages that were acknowledged.
  const producer = new Producer({ ...base, acks: ProduceAcks.ALL, idempotent: true });
  // One retry only: /ready must answer within its bound when the broker is away.
  const admin = new Admin({ ...base, retries: 1 });
  let closed = false;
  let roundRobin = 0;

  async function sendBatch(batch: Queued[]): Promise<Delivery[]> {
    const topics = [...new Set(batch.map((b) => b.topic))];
    const meta = await producer.metadata({ topics });
    const partitions = batch.map((b) => {
      const n = meta.topics.get(b.topic)?.partitionsCount ?? 1;
      return b.message.key === undefined ? roundRobin++ % n : partitionOf(b.message.key, n);
    });
    const result = await producer.send({
      messages: batch.map((b, i) => ({
        topic: b.topic,
        partition: partitions[i],
        key: b.message.key === undefined ? undefined : Buffer.from(b.message.key),
        value: Buffer.from(b.message.value),
        headers: new Map(
          Object.entries(b.message.headers ?? {}).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]),
        ),
      })),
    });
    // One base offset per partition; the batch's messages follow it in the order they were sent.
    const baseOffset = new Map(
      (result.offsets ?? []).map((o) => [partitionKey(o.topic, o.partition), o.offset]),
    );
    const next = new Map<string, bigint>();
    return batch.map((b, i) => {
      const k = partitionKey(b.topic, partitions[i]!);
      const offset = next.get(k) ?? baseOffset.get(k);
      if (offset === undefined)
        throw new Error(`kafka: broker returned no offset for ${b.topic}[${partitions[i]}]`);
      next.set(k, offset + 1n);
      return { topic: b.topic, partition: partitions[i]!, offset: String(offset) };
    });
  }

  // The idempotent producer first asks the broker for a producer id; a broker that just started
  // answers "coordinator loading" for a while. Nothing was written then, so the batch is tried
  // again until the caller's bound runs out.
  async function sendWithin(batch: Queued[]): Promise<Delivery[]> {
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      try {
        return await sendBatch(batch);
      } catch (e) {
        const loading = COORDINATOR_NOT_READY.some((id) => findErrorBy(e as Error, 'apiId', id));
        if (!loading || closed || Date.now() + 250 > deadline) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  const enqueue = createBatcher({
    ...BUS_BATCH_LIMITS,
    maxQueueMs: opts.timeoutMs,
    send: (batch) => within(opts.timeoutMs, `produce to ${batch[0]!.topic}`, sendWithin(batch)),
  });

  // Consumer state, for readiness: joined its group, then finished one fetch (offsets resolved).
  let consumerState: 'none' | 'starting' | 'joined' | 'fetching' = 'none';
  let consumer: Consumer<Buffer | undefined, Buffer | undefined, Buffer, Buffer> | undefined;
  let stream: MessagesStream<Buffer | undefined, Buffer | undefined, Buffer, Buffer> | undefined;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const toIncoming = (m: Raw): IncomingMessage => {
    const headers: Record<string, string> = {};
    for (const [k, v] of m.headers) headers[k.toString('utf8')] = v.toString('utf8');
    return {
      topic: m.topic,
      partition: m.partition,
      offset: String(m.offset),
      key: text(m.key),
      value: text(m.value) ?? '',
      headers,
      timestamp: Number(m.timestamp),
    };
  };

  // The last handled message per partition, not committed yet.
  const handled = new Map<string, Raw>();
  let commitTimer: NodeJS.Timeout | undefined;
  const commitHandled = async (): Promise<void> => {
    clearTimeout(commitTimer);
    commitTimer = undefined;
    const last = [...handled.values()];
    handled.clear();
    await Promise.all(
      last.map(
        (m) =>
          new Promise<void>((resolve) =>
            m.commit((e?: Error | null) => {
              if (e) log.debug({ error: e.message }, 'offset commit failed; messages may be redelivered');
              resolve();
            }),
          ),
      ),
    );
  };

  // The Java consumer commits its position on every assigned partition; this one commits handled
  // messages only. A partition the group never handled a message of would then resolve "latest"
  // again in the next consumer (after a broker crash, a redeploy) and skip whatever was produced
  // in between. So where a stream starts on a partition is committed once, when it is assigned.
  // At that moment the stream's position is the group's committed offset or the fallback's, and
  // nothing of that partition is buffered: committing it never skips a message.
  function pinStartPositions(c: NonNullable<typeof consumer>, s: NonNullable<typeof stream>): void {
    const pinned = new Set<string>();
    s.on('offsets', () => {
      const offsets = (c.assignments ?? []).flatMap(({ topic, partitions }) =>
        partitions.flatMap((partition) => {
          const key = partitionKey(topic, partition);
          const offset = s.offsetsToFetch.get(key);
          if (offset === undefined || pinned.has(key) || handled.has(key)) return [];
          pinned.add(key);
          return [{ topic, partition, offset, leaderEpoch: -1 }];
        }),
      );
      if (offsets.length === 0) return;
      c.commit({ offsets }).catch((e: Error) => {
        // Not pinned after all: the next assignment tries again.
        for (const o of offsets) pinned.delete(partitionKey(o.topic, o.partition));
        log.warn(
          { error: e.message, partitions: offsets.map((o) => partitionKey(o.topic, o.partition)) },
          'start position not committed; a rebalance before the first message may resolve "latest" again',
        );
      });
    });
  }

  async function consumeLoop(options: ConsumeOptions, handler: MessageHandler): Promise<void> {
    // The same Consumer across restarts: its rejoin carries the member id the coordinator
    // already knows, so the group does not wait for a vanished member's session to expire.
    consumer = new Consumer({
      ...base,
      groupId: options.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 10_000,
      autocommit: false,
      minBytes: 1,
      maxWaitTime: 500,
    });
    for (let attempt = 0; !closed; attempt++) {
      consumerState = 'starting';
      try {
        const s = await consumer.consume({
          topics: options.topics,
          mode: 'committed',
          fallbackMode: options.fromBeginning ? 'earliest' : 'latest',
          autocommit: false,
        });
        stream = s;
        pinStartPositions(consumer, s);
        consumerState = 'joined';
        s.once('fetch', () => {
          if (consumerState === 'joined') consumerState = 'fetching';
        });
        attempt = -1;
        for await (const m of s as AsyncIterable<Raw>) {
          // Closing: what is still buffered stays uncommitted and goes to the next consumer.
          if (closed) break;
          await handler(toIncoming(m));
          // Marked for commit only after the handler: a crash before the commit redelivers it.
          handled.set(partitionKey(m.topic, m.partition), m);
          commitTimer ??= setTimeout(() => void commitHandled(), COMMIT_INTERVAL_MS);
        }
        if (closed) {
          await commitHandled();
          return;
        }
      } catch (e) {
        if (closed) return;
        log.warn({ error: (e as Error).message }, 'consumer stopped; restarting');
      }
      stream = undefined;
      consumerState = 'starting';
      const ms = RESTART_DELAY_MS[Math.min(Math.max(attempt, 0), RESTART_DELAY_MS.length - 1)]!;
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, ms).unref();
      });
    }
  }

  return {
    async produce(topic, message) {
      if (closed) throw new BusUnavailableError('kafka: the event bus is closed (shutting down)');
      try {
        return await enqueue(topic, message);
      } catch (e) {
        throw classify(`produce to ${topic}`, e);
      }
    },

    consume(options, handler) {
      if (running) throw new Error('event bus: consume() was already called; one consumer per service');
      running = consumeLoop(options, handler);
    },

    async ensureTopics(topics: TopicSpec[]) {
      try {
        const existing = new Set(await within(opts.timeoutMs, 'list topics', admin.listTopics()));
        const missing = topics.filter((t) => !existing.has(t.topic));
        if (missing.length === 0) return;
        for (const partitions of new Set(missing.map((t) => t.partitions))) {
          const names = missing.filter((t) => t.partitions === partitions).map((t) => t.topic);
          await within(
            opts.timeoutMs * 2,
            'create topics',
            admin.createTopics({ topics: names, partitions, replicas: 1 }).catch((e: Error) => {
              // Another replica of the service created it meanwhile: that is what we wanted.
              if (findErrorBy(e, 'apiId', 'TOPIC_ALREADY_EXISTS')) return [];
              throw e;
            }),
          );
        }
        await waitForLeaders(missing.map((t) => t.topic));
        log.info({ topics: missing.map((t) => t.topic) }, 'created topics');
      } catch (e) {
        throw classify('ensure topics', e);
      }
    },

    async ready(): Promise<Readiness> {
      try {
        const meta = await within(
          opts.timeoutMs,
          'describe cluster',
          admin.metadata({ topics: [], forceUpdate: true }),
        );
        const brokers = `${meta.brokers.size} broker(s) answer`;
        if (consumerState === 'none') return { ok: true, detail: brokers };
        if (consumerState !== 'fetching')
          return { ok: false, detail: `${brokers}; consumer ${consumerState}` };
        return { ok: true, detail: `${brokers}; consumer fetching` };
      } catch (e) {
        return { ok: false, detail: classify('describe cluster', e).message };
      }
    },

    async close() {
      closed = true;
      wake?.();
      // Closing the stream ends the for-await after the handler in flight; then leave the group.
      const steps = [
        (async () => {
          await stream?.close();
          await running;
          await consumer?.close();
        })(),
        producer.close(),
        admin.close(),
      ];
      await Promise.allSettled(steps.map((s) => within(opts.timeoutMs, 'disconnect', s)));
      // Whatever did not close in time is forced: the process is about to exit.
      await Promise.allSettled([consumer?.close(true), producer.close(true)]);
      consumerState = 'none';
    },
  };

  async function waitForLeaders(topics: string[]): Promise<void> {
    const until = Date.now() + opts.timeoutMs * 2;
    for (;;) {
      const meta = await admin.metadata({ topics, forceUpdate: true });
      const ok = topics.every((t) => meta.topics.get(t)?.partitions.every((p) => p.leader >= 0));
      if (ok) return;
      if (Date.now() > until) throw new Error(`no leader for ${topics.join(', ')} yet`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE → 413; everything else → 503. */
function classify(what: string, e: unknown): Error {
  if (e instanceof BusUnavailableError || e instanceof MessageTooLargeError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  if (findErrorBy(err, 'apiId', 'MESSAGE_TOO_LARGE') || findErrorBy(err, 'apiId', 'RECORD_LIST_TOO_LARGE'))
    return new MessageTooLargeError(`kafka: ${what} refused: the message is larger than the broker accepts`, {
      cause: e,
    });
  return new BusUnavailableError(`kafka: ${what} failed: ${describe(err)}`, { cause: e });
}

/** The client wraps causes in MultipleErrors whose own message is generic: name the first real one. */
function describe(e: Error): string {
  const inner = (e as AggregateError).errors;
  if (Array.isArray(inner) && inner[0] instanceof Error) return `${e.message} (${describe(inner[0])})`;
  if (e.cause instanceof Error) return `${e.message} (${describe(e.cause)})`;
  return e.message;
}
