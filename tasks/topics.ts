// The seed's topics (task 0-3), in the one place every target reads them from: the native
// broker's `topics-create`, the k3d topic Job and the Compose init, and the verify checks.
// Creating them is idempotent: missing topics are created, matching ones left alone, and a
// topic whose partition count differs from the seed is reported with both numbers.
import './kafkajs-quiet.ts';
import { Kafka, logLevel, type Admin, type ITopicConfig } from 'kafkajs';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

/** Seed task 0-3, "Topics to Create". Replication 1: Phase 0 runs a single broker. */
export const SEED_TOPICS = [
  { name: 'market-data.candles.1m', partitions: 3, replicationFactor: 1 },
  { name: 'market-data.candles.5m', partitions: 3, replicationFactor: 1 },
  { name: 'market-data.trades', partitions: 6, replicationFactor: 1 },
  { name: 'signals.generated', partitions: 3, replicationFactor: 1 },
  { name: 'orders.placed', partitions: 3, replicationFactor: 1 },
  { name: 'orders.filled', partitions: 3, replicationFactor: 1 },
] as const satisfies readonly TopicSpec[];

export type SeedTopicName = (typeof SEED_TOPICS)[number]['name'];

export type TopicOutcome =
  | { name: string; outcome: 'created'; partitions: number }
  | { name: string; outcome: 'unchanged'; partitions: number }
  | { name: string; outcome: 'mismatch'; expected: number; actual: number };

/** One line per topic, for the CLI and node logs. */
export function describeOutcome(o: TopicOutcome): string {
  switch (o.outcome) {
    case 'created':
      return `${o.name}: created (${o.partitions} partitions)`;
    case 'unchanged':
      return `${o.name}: already present, unchanged (${o.partitions} partitions)`;
    case 'mismatch':
      return `${o.name}: exists with ${o.actual} partitions, the seed says ${o.expected}; delete it or fix tasks/topics.ts`;
  }
}

/**
 * A kafkajs client tuned for orchestration: short timeouts, no retry storm, no log noise.
 * kafkajs is unmaintained (last release 2.2.4) but speaks the admin/produce/fetch versions a
 * Kafka 4 broker accepts; see docs/developer-guide/event-bus.md.
 */
export function orchestratorKafka(
  bootstrap: string,
  clientId = 'example-app-tasks',
  opts: { retries?: number } = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    // Enough to ride out a leader election right after topic creation or a restart
    // (NOT_LEADER_OR_FOLLOWER is retriable), few enough that a dead broker fails in seconds.
    retry: { retries: opts.retries ?? 5, initialRetryTime: 250, maxRetryTime: 2_000 },
    logLevel: logLevel.NOTHING,
  });
}

/**
 * Retries `fn` while kafkajs calls its error retriable. Some kafkajs admin calls give up on the
 * first NOT_LEADER_OR_FOLLOWER, which a broker answers for a few seconds after a topic is
 * created or the broker restarted, until its replica manager has taken leadership.
 */
export async function retryRetriable<T>(
  fn: () => Promise<T>,
  opts: { timeoutMs?: number; delayMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      const retriable = (e as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 250));
    }
  }
}

/**
 * Creates the topics (one that exists is left as it is) and returns once every partition answers
 * an offsets request from its leader: "created" means usable. kafkajs' own `waitForLeaders` gives
 * up on the NOT_LEADER_OR_FOLLOWER a loaded broker answers for a fresh partition (seen in CI);
 * this waits through it.
 */
export async function createTopicsReady(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  await retryRetriable(() => admin.createTopics({ waitForLeaders: false, timeout: 15_000, topics }));
  for (const t of topics) await retryRetriable(() => admin.fetchTopicOffsets(t.topic));
}

/** Partition counts of the topics that exist, by name. */
export async function partitionCounts(admin: Admin, names: readonly string[]): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((n) => existing.has(n));
  const counts = new Map<string, number>();
  if (present.length === 0) return counts;
  const meta = await admin.fetchTopicMetadata({ topics: present });
  for (const t of meta.topics) counts.set(t.name, t.partitions.length);
  return counts;
}

/** Creates the missing topics; never alters an existing one (a mismatch is reported, not fixed). */
export async function ensureTopics(
  bootstrap: string,
  topics: readonly TopicSpec[] = SEED_TOPICS,
): Promise<TopicOutcome[]> {
  const admin = orchestratorKafka(bootstrap).admin();
  await admin.connect();
  try {
    const before = await partitionCounts(
      admin,
      topics.map((t) => t.name),
    );
    const missing = topics.filter((t) => !before.has(t.name));
    if (missing.length > 0) {
      await createTopicsReady(
        admin,
        missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
        })),
      );
    }
    return topics.map((t): TopicOutcome => {
      const actual = before.get(t.name);
      if (actual === undefined) return { name: t.name, outcome: 'created', partitions: t.partitions };
      if (actual === t.partitions) return { name: t.name, outcome: 'unchanged', partitions: actual };
      return { name: t.name, outcome: 'mismatch', expected: t.partitions, actual };
    });
  } finally {
    await admin.disconnect();
  }
}
