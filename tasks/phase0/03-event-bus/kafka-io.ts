// Kafka I/O the 0-3 checks share: keyed messages produced in order with acks=all, end offsets,
// a range read back with a fresh consumer group (deleted afterwards), and the comparison of what
// came back with what was sent.
import '../../kafkajs-quiet.ts';
import { randomUUID } from 'node:crypto';
import { Partitioners, type Kafka } from 'kafkajs';
import { retryRetriable } from '../../topics.ts';

export interface Produced {
  key: string;
  value: string;
}

export interface Consumed extends Produced {
  partition: number;
  offset: string;
}

export type Offsets = Map<number, bigint>; // partition → offset

export async function endOffsets(kafka: Kafka, topic: string): Promise<Offsets> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await retryRetriable(() => admin.fetchTopicOffsets(topic));
    return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads every message between `from` and `to` (end offsets, exclusive) of a topic with a fresh
 * consumer group whose offsets are set to `from` first, so old data is never re-read.
 */
export async function consumeRange(
  kafka: Kafka,
  topic: string,
  from: Offsets,
  to: Offsets,
  timeoutMs: number,
): Promise<Consumed[]> {
  const groupId = `example-app-verify-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({
      groupId,
      topic,
      partitions: [...from].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
    });
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...to].filter(([p, end]) => end > (from.get(p) ?? 0n)).map(([p]) => p));
  const got: Consumed[] = [];
  if (pending.size === 0) return got;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, retry: { retries: 5 } });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out after ${timeoutMs} ms with ${got.length} messages read; partitions still short: ${[...pending].join(', ')}`,
            ),
          ),
        timeoutMs,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = to.get(partition) ?? 0n;
            const offset = BigInt(message.offset);
            if (offset < end) {
              got.push({
                partition,
                offset: message.offset,
                key: message.key?.toString() ?? '',
                value: message.value?.toString() ?? '',
              });
            }
            if (offset + 1n >= end) pending.delete(partition);
            if (pending.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((e: unknown) => {
          clearTimeout(timer);
          reject(e instanceof Error ? e : new Error(String(e)));
        });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  await deleteGroup(kafka, groupId);
  return got;
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    /* an empty group expires by itself; not worth failing a check over */
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Compares what was produced with what came back: every message exactly once, each key on one
 * partition, and per partition the produced order. Returns the problems (empty when all holds).
 */
export function compareRoundTrip(produced: readonly Produced[], consumed: readonly Consumed[]): string[] {
  const problems: string[] = [];
  const wanted = new Map(produced.map((m, i) => [m.value, { ...m, seq: i }]));
  const seen = new Set<string>();
  const keyPartition = new Map<string, number>();
  const lastSeqOnPartition = new Map<number, number>();
  for (const m of consumed) {
    const w = wanted.get(m.value);
    if (!w) {
      problems.push(`unexpected message ${m.value} on partition ${m.partition}`);
      continue;
    }
    if (seen.has(m.value)) problems.push(`message ${m.value} read twice`);
    seen.add(m.value);
    if (w.key !== m.key) problems.push(`message ${m.value}: key ${m.key}, produced with ${w.key}`);
    const p = keyPartition.get(m.key);
    if (p !== undefined && p !== m.partition)
      problems.push(`key ${m.key} on partitions ${p} and ${m.partition}`);
    keyPartition.set(m.key, m.partition);
    const last = lastSeqOnPartition.get(m.partition) ?? -1;
    if (w.seq < last)
      problems.push(`partition ${m.partition}: message ${w.seq} read after ${last} (order broken)`);
    lastSeqOnPartition.set(m.partition, w.seq);
  }
  const missing = produced.filter((m) => !seen.has(m.value));
  if (missing.length > 0)
    problems.push(`${missing.length} of ${produced.length} messages missing (first: ${missing[0]!.value})`);
  return problems;
}

export async function produceKeyed(kafka: Kafka, topic: string, messages: readonly Produced[]): Promise<void> {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    // In order, 200 per request: order per partition is the order of the array.
    for (let i = 0; i < messages.length; i += 200) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + 200).map((m) => ({ key: m.key, value: m.value })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

export function testMessages(run: string, topic: string, keys: number, perKey: number): Produced[] {
  const out: Produced[] = [];
  for (let i = 0; i < keys * perKey; i++) {
    out.push({ key: `verify-${run}-k${i % keys}`, value: JSON.stringify({ run, topic, seq: i }) });
  }
  return out;
}
