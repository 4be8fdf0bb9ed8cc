// EventBus on kafkajs (KAFKA_CLIENT=kafkajs). kafkajs is unmaintained since 2.2.4 (see the
// platform's field notes) and slower than the default client (platformatic.ts); it stays
// selectable because the owner named it.
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type Producer,
  type ICustomPartitioner,
  type logCreator,
  type Message,
} from 'kafkajs';
import type { Logger } from 'pino';
import { BUS_BATCH_LIMITS, createBatcher, type Queued } from './batcher.ts';
import {
  BusUnavailableError,
  MessageTooLargeError,
  partitionKey,
  within,
  type BusOptions,
  type ConsumeOptions,
  type Delivery,
  type EventBus,
  type MessageHandler,
  type OutgoingMessage,
  type Readiness,
  type TopicSpec,
} from './bus.ts';

export type KafkajsBusOptions = BusOptions;

/** How long the group coordinator waits for members to rejoin during a rebalance. */
const REBALANCE_TIMEOUT_MS = 2_000;

// kafkajs logs every reconnect attempt at ERROR; the service's readiness already says the broker
// is away, so its chatter goes to our JSON log one level lower.
const toPino =
  (logger: Logger): logCreator =>
  () =>
  ({ level, log }) => {
    const { message, ...fields } = log;
    const child = {
      component: 'kafkajs',
      ...pick(fields, ['broker', 'groupId', 'topic', 'error', 'retryCount']),
    };
    if (level <= logLevel.ERROR) logger.warn(child, message);
    else if (level === logLevel.WARN) logger.info(child, message);
    else logger.debug(child, message);
  };

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

const headerText = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : Buffer.isBuffer(v)
      ? v.toString('utf8')
      : Array.isArray(v)
        ? headerText(v[0])
        : undefined;

// Which partition each message of a batch went to, for its offset: kafkajs answers one base
// offset per partition. Keyed messages take the Java client's murmur2 partition (same key, same
// partition as other services); unkeyed ones a turn fixed before sending, so a retry re-partitions
// them exactly as the first try did.
const chosenPartition = new WeakMap<Message, number>();
const unkeyedTurn = new WeakMap<Message, number>();
let roundRobin = 0;
const recordingPartitioner: ICustomPartitioner = () => {
  const java = Partitioners.DefaultPartitioner();
  return (args) => {
    const turn = unkeyedTurn.get(args.message);
    const partition = turn === undefined ? java(args) : turn % args.partitionMetadata.length;
    chosenPartition.set(args.message, partition);
    return partition;
  };
};

export function createKafkajsBus(opts: KafkajsBusOptions): EventBus {
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: Math.min(opts.timeoutMs, 3_000),
    requestTimeout: opts.timeoutMs,
    // Few quick retries: a request must fail within the caller's bound, not after minutes.
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: logLevel.WARN,
    logCreator: toPino(opts.logger),
  });
  const log = opts.logger.child({ component: 'event-bus' });

  let producer: Producer | undefined;
  let producerReady: Promise<Producer> | undefined;
  let admin: Admin | undefined;
  let adminReady: Promise<Admin> | undefined;
  let closed = false;

  // Connect on first use and again after a failure, so a broker that comes back is picked up.
  const getProducer = (): Promise<Producer> =>
    (producerReady ??= (async () => {
      const p = kafka.producer({
        allowAutoTopicCreation: false,
        idempotent: false,
        createPartitioner: recordingPartitioner,
      });
      p.on(p.events.DISCONNECT, () => {
        producerReady = undefined;
      });
      try {
        await within(opts.timeoutMs, 'producer connect', p.connect());
      } catch (e) {
        producerReady = undefined;
        void p.disconnect().catch(() => undefined);
        throw unavailable('producer connect', e);
      }
      producer = p;
      return p;
    })());

  const getAdmin = (): Promise<Admin> =>
    (adminReady ??= (async () => {
      const a = kafka.admin();
      try {
        await within(opts.timeoutMs, 'admin connect', a.connect());
      } catch (e) {
        adminReady = undefined;
        void a.disconnect().catch(() => undefined);
        throw unavailable('admin connect', e);
      }
      admin = a;
      return a;
    })());

  // Consumer state, for readiness: joined its group and finished one fetch (offsets resolved).
  let consumer: Consumer | undefined;
  let consumerState: 'none' | 'starting' | 'joined' | 'fetching' = 'none';
  let restartTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  // kafkajs commits handled messages only, so on a partition the group never handled a message
  // of, every restart (a broker crash, a redeploy) resolves "latest" again and skips what was
  // produced in between. Before joining, such partitions get the group's offset set to their
  // current end: the place "latest" means, kept. The admin may only set offsets of a group
  // without members; with other members up this is skipped, and they keep kafkajs' behaviour.
  async function pinLatest(options: ConsumeOptions): Promise<void> {
    const a = await getAdmin();
    const { groupId, topics } = options;
    const committed = await within(
      opts.timeoutMs,
      'fetch group offsets',
      a.fetchOffsets({ groupId, topics }),
    );
    for (const { topic, partitions } of committed) {
      const missing = new Set(partitions.filter((p) => p.offset === '-1').map((p) => p.partition));
      if (missing.size === 0) continue;
      const ends = await within(opts.timeoutMs, 'fetch topic offsets', a.fetchTopicOffsets(topic));
      const pinned = ends
        .filter((e) => missing.has(e.partition))
        .map((e) => ({ partition: e.partition, offset: e.high }));
      await within(opts.timeoutMs, 'set group offsets', a.setOffsets({ groupId, topic, partitions: pinned }));
    }
  }

  async function startConsumer(options: ConsumeOptions, handler: MessageHandler): Promise<void> {
    if (closed) return;
    consumerState = 'starting';
    if (!options.fromBeginning) {
      // A loaded broker can let one admin step run past its bound (seen in the contract test);
      // unpinned, the next consumer skips what was produced meanwhile, so it is tried again.
      for (let attempt = 1; !closed; attempt++) {
        const error = await pinLatest(options).then(
          () => undefined,
          (e: Error) => e,
        );
        if (!error) break;
        if (attempt === 3) {
          log.warn(
            { error: error.message },
            'start positions not pinned; a restart may resolve "latest" again',
          );
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    // After a broker crash kafkajs restarts its consumer as a NEW group member (it forgets its
    // member id), and the coordinator, which reloaded the old member from its log, holds the
    // join until that member rejoins or is dropped: at the end of its session (10 s) or of the
    // rebalance timeout, whichever comes first. A 2 s rebalance timeout bounds that wait; live
    // members still rejoin in time because they heartbeat (and so learn of a rebalance) every
    // 500 ms between messages. Restarts back off to 500 ms at most, so a returning broker is
    // noticed within half a second.
    const c = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 10_000,
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
      heartbeatInterval: 500,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 500 },
    });
    consumer = c;
    c.on(c.events.GROUP_JOIN, () => {
      consumerState = 'joined';
    });
    c.on(c.events.FETCH, () => {
      if (consumerState === 'joined') consumerState = 'fetching';
    });
    c.on(c.events.CRASH, (e) => {
      consumerState = 'starting';
      // kafkajs restarts itself after retriable errors; after any other it stays down: we retry.
      if (!e.payload.restart) scheduleRestart(options, handler, c);
    });
    try {
      await c.connect();
      await c.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
      await c.run({
        eachMessage: async ({ topic, partition, message }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) {
            const t = headerText(v);
            if (t !== undefined) headers[k] = t;
          }
          await handler({
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8'),
            value: message.value?.toString('utf8') ?? '',
            headers,
            timestamp: Number(message.timestamp),
          });
        },
      });
    } catch (e) {
      log.warn({ error: (e as Error).message }, 'consumer could not start; retrying');
      scheduleRestart(options, handler, c);
    }
  }

  function scheduleRestart(options: ConsumeOptions, handler: MessageHandler, c: Consumer): void {
    if (closed || restartTimer) return;
    consumerState = 'starting';
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      void c
        .disconnect()
        .catch(() => undefined)
        .then(() => (running = startConsumer(options, handler)));
    }, 500);
  }

  async function waitForLeaders(a: Admin, topics: string[]): Promise<void> {
    const until = Date.now() + opts.timeoutMs * 2;
    for (;;) {
      const meta = await within(opts.timeoutMs, 'topic metadata', a.fetchTopicMetadata({ topics })).catch(
        () => undefined,
      );
      if (
        meta &&
        meta.topics.length === topics.length &&
        meta.topics.every((t) => t.partitions.every((p) => p.leader >= 0))
      )
        return;
      if (Date.now() > until) throw new Error(`no leader for ${topics.join(', ')} yet`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // One produce request per batch of concurrent calls (batcher.ts), as platformatic.ts does: with
  // one request per call a loaded service queued requests faster than the broker answered them,
  // and kafkajs sent each one that timed out again (its retries), on top of the new ones.
  async function sendBatch(batch: Queued[]): Promise<Delivery[]> {
    const p = await getProducer();
    const messages: Message[] = batch.map((b) => ({
      key: b.message.key ?? null,
      value: b.message.value,
      headers: b.message.headers,
    }));
    const byTopic = new Map<string, Message[]>();
    batch.forEach((b, i) => {
      const list = byTopic.get(b.topic) ?? [];
      list.push(messages[i]!);
      byTopic.set(b.topic, list);
    });
    for (const m of messages) if (m.key === null) unkeyedTurn.set(m, roundRobin++);
    const results = await p.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, ms]) => ({ topic, messages: ms })),
    });
    // One base offset per partition; a partition's messages follow it in the order they were given.
    const next = new Map<string, bigint>();
    for (const r of results)
      next.set(partitionKey(r.topicName, r.partition), BigInt(r.baseOffset ?? r.offset ?? '-1'));
    return batch.map((b, i) => {
      const partition = chosenPartition.get(messages[i]!) ?? -1;
      const k = partitionKey(b.topic, partition);
      const offset = next.get(k);
      if (partition < 0 || offset === undefined || offset < 0n)
        throw new Error(`kafka: broker returned no offset for ${b.topic}[${partition}]`);
      next.set(k, offset + 1n);
      return { topic: b.topic, partition, offset: String(offset) };
    });
  }

  const enqueue = createBatcher({
    ...BUS_BATCH_LIMITS,
    maxQueueMs: opts.timeoutMs,
    send: (batch) => within(opts.timeoutMs, `produce to ${batch[0]!.topic}`, sendBatch(batch)),
  });

  return {
    async produce(topic: string, message: OutgoingMessage): Promise<Delivery> {
      if (closed) throw new BusUnavailableError('kafka: the event bus is closed (shutting down)');
      try {
        return await enqueue(topic, message);
      } catch (e) {
        throw unavailable(`produce to ${topic}`, e);
      }
    },

    consume(options: ConsumeOptions, handler: MessageHandler): void {
      if (running) throw new Error('event bus: consume() was already called; one consumer per service');
      running = startConsumer(options, handler);
    },

    async ensureTopics(topics: TopicSpec[]): Promise<void> {
      const a = await getAdmin();
      try {
        const existing = new Set(await within(opts.timeoutMs, 'list topics', a.listTopics()));
        const missing = topics.filter((t) => !existing.has(t.topic));
        if (missing.length === 0) return;
        await within(
          opts.timeoutMs * 2,
          'create topics',
          a.createTopics({
            // kafkajs' own wait gives up on the NOT_LEADER_OR_FOLLOWER a loaded broker answers
            // for a fresh partition; waitForLeaders below retries through it.
            waitForLeaders: false,
            topics: missing.map((t) => ({
              topic: t.topic,
              numPartitions: t.partitions,
              replicationFactor: 1,
            })),
          }),
        );
        await waitForLeaders(
          a,
          missing.map((t) => t.topic),
        );
        log.info({ topics: missing.map((t) => t.topic) }, 'created topics');
      } catch (e) {
        throw unavailable('ensure topics', e);
      }
    },

    async ready(): Promise<Readiness> {
      try {
        const a = await getAdmin();
        const cluster = await within(opts.timeoutMs, 'describe cluster', a.describeCluster());
        const brokers = `${cluster.brokers.length} broker(s) answer`;
        if (consumerState === 'none') return { ok: true, detail: brokers };
        if (consumerState !== 'fetching')
          return { ok: false, detail: `${brokers}; consumer ${consumerState}` };
        return { ok: true, detail: `${brokers}; consumer fetching` };
      } catch (e) {
        return { ok: false, detail: (e as Error).message };
      }
    },

    async close(): Promise<void> {
      closed = true;
      clearTimeout(restartTimer);
      // consumer.disconnect() waits for the eachMessage in flight, then leaves the group.
      const steps = [consumer?.disconnect(), producer?.disconnect(), admin?.disconnect()];
      await Promise.allSettled(steps.map((s) => (s ? within(opts.timeoutMs, 'disconnect', s) : undefined)));
      consumerState = 'none';
    },
  };
}

/** The broker's MESSAGE_TOO_LARGE, however deep kafkajs wrapped it (retrier, non-retriable error). */
function tooLarge(e: unknown): boolean {
  for (
    let c = e as { type?: string; cause?: unknown; originalError?: unknown } | undefined, i = 0;
    c && i < 5;
    i++
  ) {
    if (c.type === 'MESSAGE_TOO_LARGE' || c.type === 'RECORD_LIST_TOO_LARGE') return true;
    c = (c.originalError ?? c.cause) as typeof c;
  }
  return false;
}

function unavailable(what: string, e: unknown): BusUnavailableError | MessageTooLargeError {
  if (e instanceof BusUnavailableError || e instanceof MessageTooLargeError) return e;
  if (tooLarge(e))
    return new MessageTooLargeError(`kafka: ${what} refused: the message is larger than the broker accepts`, {
      cause: e,
    });
  const msg = e instanceof Error ? e.message : String(e);
  return new BusUnavailableError(`kafka: ${what} failed: ${msg}`, { cause: e });
}
