// kafkajs (2.2.4, unmaintained): no linger.ms or batch.size, so the runner batches by hand
// (one send() per batch of messages, all to one partition) and keeps several sends in flight.
import '../../../tasks/kafkajs-quiet.ts';
import kafkajs from 'kafkajs';
import type { ClientConfig, ConsumerDriver, ProducerDriver } from './types.ts';
import { within } from './types.ts';

const { Kafka, CompressionTypes, logLevel } = kafkajs;

/** A first join on a fresh broker creates __consumer_offsets: slow on a busy machine. */
const GROUP_JOIN_TIMEOUT_MS = 90_000;

// Few, short retries by default: a dead broker must end the run in bounded time, not after minutes.
const SHORT_RETRY = { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 };

function client(cfg: ClientConfig, retry = SHORT_RETRY): kafkajs.Kafka {
  return new Kafka({
    clientId: cfg.clientId,
    brokers: [cfg.bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: cfg.requestTimeoutMs,
    retry,
  });
}

export function kafkajsProducer(cfg: ClientConfig): ProducerDriver {
  const producer = client(cfg).producer({
    allowAutoTopicCreation: false,
    maxInFlightRequests: cfg.inFlight,
    idempotent: false,
  });
  const compression = cfg.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  return {
    name: 'kafkajs',
    batchingNote: `kafkajs has no linger.ms/batch.size: batched by hand, one send() per batch to one partition, up to ${cfg.inFlight} sends in flight`,
    connect: () => producer.connect(),
    async send(topic, partition, values) {
      await producer.send({
        topic,
        acks: cfg.acks,
        compression,
        timeout: cfg.requestTimeoutMs,
        messages: values.map((value) => ({ value, partition })),
      });
    },
    close: () => within(producer.disconnect(), 3000, 'kafkajs producer disconnect'),
  };
}

export function kafkajsConsumer(cfg: ClientConfig, groupId: string): ConsumerDriver {
  // The consumer may retry longer than the producer: its first group join on a fresh broker
  // waits for __consumer_offsets to be created. A dead broker still ends the run through the
  // producer's stall watchdog, and close() is bounded.
  const consumer = client(cfg, { retries: 10, initialRetryTime: 300, maxRetryTime: 3000 }).consumer({
    groupId,
    minBytes: 1,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  return {
    async start(topic, onMessage) {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const joined = new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.GROUP_JOIN, () => resolve());
        consumer.on(consumer.events.CRASH, (e) => {
          if (!e.payload.restart) reject(e.payload.error);
        });
      });
      await consumer.run({
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) if (m.value) onMessage(m.value);
        },
      });
      await within(joined, GROUP_JOIN_TIMEOUT_MS, 'kafkajs consumer group join');
    },
    close: () => within(consumer.disconnect(), 3000, 'kafkajs consumer disconnect'),
  };
}
