// Topic set-up for a run: a fresh topic per client (so results never mix), or an existing
// one the user named. A named topic that does not exist is a usage error unless
// --create-topic: the bench never relies on broker-side auto-creation.
import '../../tasks/kafkajs-quiet.ts';
import kafkajs from 'kafkajs';
import { UsageError } from '../../tasks/engine/task.ts';
import { within } from './clients/types.ts';

const { Kafka, logLevel } = kafkajs;

export interface TopicAdmin {
  exists(topic: string): Promise<boolean>;
  create(topic: string, partitions: number): Promise<void>;
  partitions(topic: string): Promise<number>;
  remove(topic: string): Promise<void>;
  close(): Promise<void>;
}

export async function connectAdmin(bootstrap: string, timeoutMs = 10_000): Promise<TopicAdmin> {
  const admin = new Kafka({
    clientId: 'bench-admin',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: timeoutMs,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
  }).admin();
  try {
    await within(admin.connect(), timeoutMs, `connecting to Kafka at ${bootstrap}`);
  } catch (e) {
    await admin.disconnect().catch(() => undefined);
    throw new Error(
      `Kafka at ${bootstrap} is unreachable (${(e as Error).message}): start it with 'tasks.ts up 0-3' or pass --bootstrap`,
      {
        cause: e,
      },
    );
  }
  return {
    exists: async (topic) => (await admin.listTopics()).includes(topic),
    async create(topic, partitions) {
      try {
        await admin.createTopics({
          topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
          waitForLeaders: false,
        });
      } catch (e) {
        if (!(await admin.listTopics()).includes(topic)) throw e;
      }
      // A fresh topic's partitions need leaders before a produce request is accepted.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const md = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
        const parts = md?.topics[0]?.partitions ?? [];
        if (parts.length === partitions && parts.every((p) => p.leader >= 0)) return;
        if (Date.now() > deadline)
          throw new Error(`topic ${topic} has no leader for every partition after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async partitions(topic) {
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      return md.topics[0]?.partitions.length ?? 0;
    },
    async remove(topic) {
      await admin.deleteTopics({ topics: [topic], timeout: 5000 });
    },
    close: () => within(admin.disconnect(), 3000, 'kafkajs admin disconnect').catch(() => undefined),
  };
}

/** Resolves the topic a client's run uses; returns its name, partition count and whether to delete it. */
export async function prepareTopic(
  admin: TopicAdmin,
  o: { topic?: string; createTopic: boolean; partitions: number; keepTopic: boolean; bootstrap: string },
  fresh: string,
): Promise<{ topic: string; partitions: number; remove: boolean }> {
  if (o.topic === undefined) {
    await admin.create(fresh, o.partitions);
    return { topic: fresh, partitions: o.partitions, remove: !o.keepTopic };
  }
  if (!(await admin.exists(o.topic))) {
    if (!o.createTopic) {
      throw new UsageError(
        `topic '${o.topic}' does not exist on ${o.bootstrap} and the bench does not auto-create: create it, pass --create-topic, or omit --topic`,
      );
    }
    await admin.create(o.topic, o.partitions);
    return { topic: o.topic, partitions: o.partitions, remove: false };
  }
  return { topic: o.topic, partitions: await admin.partitions(o.topic), remove: false };
}
