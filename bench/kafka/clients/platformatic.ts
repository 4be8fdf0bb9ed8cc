// @platformatic/kafka (pure JS, maintained, Node >= 22.22). Driven the same way as kafkajs
// (batch by hand, N sends in flight) so both JS clients see identical parameters.
import { Consumer, Producer } from '@platformatic/kafka';
import type { ClientConfig, ConsumerDriver, ProducerDriver } from './types.ts';
import { within } from './types.ts';

function base(cfg: ClientConfig) {
  return {
    clientId: cfg.clientId,
    bootstrapBrokers: [cfg.bootstrap],
    timeout: cfg.requestTimeoutMs,
    connectTimeout: 3000,
    retries: 2,
    retryDelay: 200,
    autocreateTopics: false,
  };
}

export function platformaticProducer(cfg: ClientConfig): ProducerDriver {
  const producer = new Producer({
    ...base(cfg),
    acks: cfg.acks,
    compression: cfg.compression,
    idempotent: false,
  });
  return {
    name: 'platformatic',
    batchingNote: `@platformatic/kafka: batched by hand like kafkajs, one send() per batch to one partition, up to ${cfg.inFlight} sends in flight`,
    async connect() {
      await producer.metadata({ topics: [] });
    },
    async send(topic, partition, values) {
      await producer.send({ messages: values.map((value) => ({ topic, partition, value })) });
    },
    close: () => within(producer.close(true), 3000, '@platformatic/kafka producer close'),
  };
}

export function platformaticConsumer(cfg: ClientConfig, groupId: string): ConsumerDriver {
  // More retries than the producer: the first join on a fresh broker waits for __consumer_offsets.
  const consumer = new Consumer({
    ...base(cfg),
    retries: 10,
    retryDelay: 300,
    groupId,
    minBytes: 1,
    maxWaitTime: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
  });
  return {
    async start(topic, onMessage) {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      stream.on('data', (m: { value: Buffer | undefined }) => {
        if (m.value) onMessage(m.value);
      });
      stream.on('error', () => {
        /* surfaced by the producer side and the drain timeout */
      });
    },
    close: () => within(consumer.close(true), 3000, '@platformatic/kafka consumer close'),
  };
}
