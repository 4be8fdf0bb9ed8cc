// Verify checks of seed task 0-3 (event bus). They only use the Kafka bootstrap endpoint (and,
// for durability, the target's own restart through its component), so the same checks run
// against the native broker, Redpanda on k3d and Redpanda in Compose.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { execa } from '../../lazy-execa.ts';
import { Partitioners, type Kafka } from 'kafkajs';
import { check, type Check } from '../../engine/task.ts';
import {
  orchestratorKafka,
  partitionCounts,
  retryRetriable,
  SEED_TOPICS,
  type TopicSpec,
} from '../../topics.ts';
import { isAvailable, type Endpoint } from '../../targets/target.ts';
import { errText as anyErrText, firstLine } from '../../../validation/lib/errors.ts';
import { proofVia } from '../../../validation/lib/checks.ts';

const since = (t0: number) => Math.round(performance.now() - t0);

/** A skip for every check id when the target has no Kafka endpoint. */
function unavailableSkips(ids: string[], endpoint: Endpoint): Check[] | undefined {
  if (isAvailable(endpoint)) return undefined;
  return ids.map((id) =>
    check({ ...proofVia(endpoint), id, title: id, status: 'skip', reason: endpoint.unavailable }),
  );
}

const errText = (e: unknown) => firstLine(anyErrText(e));

/**
 * Broker ready: a describeCluster answer. `startupMs` is the time to ready the target measured
 * when it started the broker (native: from spawn to the first Kafka answer); without it the
 * check reports how long the broker took to answer now.
 */
export async function brokerReadyCheck(
  endpoint: Endpoint,
  opts: { startupMs?: number; timeoutMs?: number } = {},
): Promise<Check> {
  const id = '0-3.broker-ready';
  const skip = unavailableSkips([id], endpoint);
  if (skip) return skip[0]!;
  const bootstrap = (endpoint as { url: string }).url;
  const t0 = performance.now();
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: string | undefined;
  for (;;) {
    const admin = orchestratorKafka(bootstrap, 'example-app-verify').admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const c = await admin.describeCluster();
      const answerMs = since(t0);
      return check({
        ...proofVia(endpoint),
        id,
        criteria: ['0-3.ac1', '0-3.ac3'],
        title: `Kafka broker answers on ${bootstrap}`,
        status: 'pass',
        measured: opts.startupMs ?? answerMs,
        unit: 'ms',
        evidence:
          `describeCluster: cluster ${c.clusterId}, ${c.brokers.length} broker(s), controller ${c.controller}; ` +
          (opts.startupMs !== undefined ? `time to ready at start ${opts.startupMs} ms, ` : '') +
          `answered now in ${answerMs} ms`,
        durationMs: answerMs,
      });
    } catch (e) {
      lastError = errText(e);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      return check({
        ...proofVia(endpoint),
        id,
        criteria: ['0-3.ac1', '0-3.ac3'],
        title: `Kafka broker answers on ${bootstrap}`,
        status: 'fail',
        reason: `no describeCluster answer within ${opts.timeoutMs ?? 30_000} ms: ${lastError ?? 'no attempt finished'}`,
        durationMs: since(t0),
      });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** One check per seed topic: present, with the seed's partition count. */
export async function topicsMatchSeedChecks(
  endpoint: Endpoint,
  topics: readonly TopicSpec[] = SEED_TOPICS,
): Promise<Check[]> {
  const ids = topics.map((t) => `0-3.topic.${t.name}`);
  const skip = unavailableSkips(ids, endpoint);
  if (skip) return skip;
  const t0 = performance.now();
  const admin = orchestratorKafka((endpoint as { url: string }).url, 'example-app-verify').admin();
  let counts: Map<string, number>;
  try {
    await admin.connect();
    counts = await partitionCounts(
      admin,
      topics.map((t) => t.name),
    );
  } catch (e) {
    return ids.map((id) =>
      check({
        ...proofVia(endpoint),
        id,
        criteria: ['0-3.ac7'],
        title: id,
        status: 'fail',
        reason: `could not read topic metadata: ${errText(e)}`,
      }),
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const durationMs = since(t0);
  return topics.map((t) => {
    const actual = counts.get(t.name);
    const base = {
      id: `0-3.topic.${t.name}`,
      criteria: ['0-3.ac7'],
      title: `Topic ${t.name} exists with ${t.partitions} partitions`,
      threshold: `= ${t.partitions}`,
      unit: 'partitions',
      durationMs,
    };
    if (actual === undefined)
      return check({
        ...proofVia(endpoint),
        ...base,
        status: 'fail',
        reason: `topic ${t.name} does not exist; run: npx tsx tasks.ts topics-create`,
      });
    if (actual !== t.partitions) {
      return check({
        ...proofVia(endpoint),
        ...base,
        status: 'fail',
        measured: actual,
        reason: `topic ${t.name} has ${actual} partitions, the seed says ${t.partitions}`,
      });
    }
    return check({ ...proofVia(endpoint), ...base, status: 'pass', measured: actual });
  });
}

interface Produced {
  key: string;
  value: string;
}

interface Consumed extends Produced {
  partition: number;
  offset: string;
}

type Offsets = Map<number, bigint>; // partition → offset

async function endOffsets(kafka: Kafka, topic: string): Promise<Offsets> {
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
async function consumeRange(
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

async function produceKeyed(kafka: Kafka, topic: string, messages: readonly Produced[]): Promise<void> {
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

function testMessages(run: string, topic: string, keys: number, perKey: number): Produced[] {
  const out: Produced[] = [];
  for (let i = 0; i < keys * perKey; i++) {
    out.push({ key: `verify-${run}-k${i % keys}`, value: JSON.stringify({ run, topic, seq: i }) });
  }
  return out;
}

/** Round trip on every seed topic: keyed messages produced with acks=all and read back in order. */
export async function roundTripChecks(
  endpoint: Endpoint,
  opts: { topics?: readonly TopicSpec[]; keys?: number; perKey?: number; timeoutMs?: number } = {},
): Promise<Check[]> {
  const topics = opts.topics ?? SEED_TOPICS;
  const ids = topics.map((t) => `0-3.round-trip.${t.name}`);
  const skip = unavailableSkips(ids, endpoint);
  if (skip) return skip;
  const kafka = orchestratorKafka((endpoint as { url: string }).url, 'example-app-verify');
  const keys = opts.keys ?? 6;
  const perKey = opts.perKey ?? 5;
  const run = randomUUID().slice(0, 8);
  const checks: Check[] = [];
  for (const t of topics) {
    const t0 = performance.now();
    const base = {
      id: `0-3.round-trip.${t.name}`,
      criteria: ['0-3.ac3'],
      title: `Round trip on ${t.name}: keys, values and order per partition`,
      threshold: `= ${keys * perKey}`,
      unit: 'messages',
    };
    try {
      const messages = testMessages(run, t.name, keys, perKey);
      const before = await endOffsets(kafka, t.name);
      await produceKeyed(kafka, t.name, messages);
      const after = await endOffsets(kafka, t.name);
      const consumed = await consumeRange(kafka, t.name, before, after, opts.timeoutMs ?? 30_000);
      const mine = consumed.filter((m) => m.key.startsWith(`verify-${run}-`));
      const problems = compareRoundTrip(messages, mine);
      const partitions = new Set(mine.map((m) => m.partition)).size;
      checks.push(
        check({
          ...proofVia(endpoint),
          ...base,
          status: problems.length === 0 ? 'pass' : 'fail',
          measured: new Set(mine.map((m) => m.value)).size,
          evidence: `${messages.length} messages, ${keys} keys, acks=all; read back from ${partitions} partition(s) with a fresh group`,
          reason: problems.length > 0 ? problems.slice(0, 3).join('; ') : undefined,
          durationMs: since(t0),
        }),
      );
    } catch (e) {
      checks.push(
        check({ ...proofVia(endpoint), ...base, status: 'fail', reason: errText(e), durationMs: since(t0) }),
      );
    }
  }
  return checks;
}

/**
 * The seed's test scripts (0-3.ac8), run as they would be by hand: scripts/kafka-produce-test.sh
 * sends keyed messages with Kafka's console producer, scripts/kafka-consume-test.sh reads them
 * back with the console consumer and checks count, keys and order per key.
 */
export async function testScriptsCheck(
  endpoint: Endpoint,
  opts: { root: string; cache: string; signal?: AbortSignal; count?: number },
): Promise<Check> {
  const id = '0-3.test-scripts';
  const skip = unavailableSkips([id], endpoint);
  if (skip) return skip[0]!;
  const bootstrap = (endpoint as { url: string }).url;
  const count = opts.count ?? 100;
  const run = randomUUID().slice(0, 8);
  const args = [
    '--bootstrap',
    bootstrap,
    '--topic',
    'orders.placed',
    '--count',
    String(count),
    '--run-id',
    run,
  ];
  const script = (name: string) =>
    execa(path.join(opts.root, 'scripts', name), args, {
      reject: false,
      all: true,
      timeout: 120_000,
      env: { PLATFORM_CACHE: opts.cache },
      ...(opts.signal ? { cancelSignal: opts.signal } : {}),
    });
  const t0 = performance.now();
  const produced = await script('kafka-produce-test.sh');
  const consumed = produced.exitCode === 0 ? await script('kafka-consume-test.sh') : undefined;
  const last = (r: { all?: string } | undefined) => (r?.all ?? '').trim().split('\n').at(-1) ?? '';
  const ok = produced.exitCode === 0 && consumed?.exitCode === 0;
  // What the consume script read back, from its own line: the figure, not the count asked for.
  const readBack = /(?:read back )?(\d+) of \d+(?: read back)?/.exec(last(consumed))?.[1];
  return check({
    ...proofVia(endpoint),
    id,
    criteria: ['0-3.ac8'],
    title:
      "The seed's test scripts produce and consume (scripts/kafka-produce-test.sh, kafka-consume-test.sh)",
    status: ok ? 'pass' : 'fail',
    ...(readBack !== undefined ? { measured: Number(readBack) } : {}),
    unit: 'messages read back',
    threshold: `all ${count} back, keys and order kept`,
    evidence: `${last(produced)}; ${last(consumed) || 'consume test not run'}`,
    durationMs: since(t0),
    ...(ok
      ? {}
      : {
          reason:
            produced.exitCode !== 0
              ? `kafka-produce-test.sh exit ${produced.exitCode}: ${last(produced)}`
              : `kafka-consume-test.sh exit ${consumed?.exitCode}: ${last(consumed)}`,
        }),
  });
}

export interface RestartHook {
  /** What restarts the broker, for the evidence (`native supervisor: SIGTERM + start`). */
  how: string;
  /** Restarts the broker and resolves once it answers again. */
  restart: () => Promise<void>;
}

/**
 * The seed asks that data survive a restart; how long the restart takes is judged too, so a
 * broker that comes back only after minutes fails instead of passing with a figure.
 */
export const RESTART_LIMIT_MS = 60_000;

function restartTimeCheck(endpoint: Endpoint, how: string, restartMs: number): Check {
  const ok = restartMs < RESTART_LIMIT_MS;
  return check({
    ...proofVia(endpoint),
    id: '0-3.restart-time',
    criteria: ['0-3.ac6'],
    title: 'Broker restart through the orchestrator until it answers again',
    status: ok ? 'pass' : 'fail',
    measured: restartMs,
    unit: 'ms',
    threshold: `< ${RESTART_LIMIT_MS}`,
    evidence: how,
    ...(ok ? {} : { reason: `the broker took ${restartMs} ms to answer again` }),
  });
}

/**
 * Durability (seed: "data persists across pod restarts"): N messages with acks=all, a restart
 * of the broker by the orchestrator, then all N read back. Two checks: the messages kept, and
 * the restart time. Without a restart hook both are skips with the reason.
 */
export async function durabilityChecks(
  endpoint: Endpoint,
  restart: RestartHook | { unavailable: string },
  opts: { topic?: TopicSpec; count?: number; timeoutMs?: number } = {},
): Promise<Check[]> {
  const ids = ['0-3.durability', '0-3.restart-time'];
  const skip = unavailableSkips(ids, endpoint);
  if (skip) return skip;
  if ('unavailable' in restart)
    return ids.map((id) =>
      check({ ...proofVia(endpoint), id, title: id, status: 'skip', reason: restart.unavailable }),
    );
  const topic = opts.topic ?? SEED_TOPICS.find((t) => t.name === 'orders.placed')!;
  const n = opts.count ?? 1000;
  const kafka = orchestratorKafka((endpoint as { url: string }).url, 'example-app-verify');
  const run = randomUUID().slice(0, 8);
  const t0 = performance.now();
  const base = {
    id: '0-3.durability',
    criteria: ['0-3.ac6'],
    title: `Messages written with acks=all survive a broker restart (${topic.name})`,
    threshold: `= ${n}`,
    unit: 'messages',
  };
  let restartMs: number | undefined;
  try {
    const messages = testMessages(run, topic.name, 10, Math.ceil(n / 10)).slice(0, n);
    const before = await endOffsets(kafka, topic.name);
    await produceKeyed(kafka, topic.name, messages);
    const after = await endOffsets(kafka, topic.name);
    const r0 = performance.now();
    await restart.restart();
    restartMs = since(r0);
    const afterRestart = await endOffsets(kafka, topic.name);
    const shrunk = [...after].filter(([p, o]) => (afterRestart.get(p) ?? 0n) < o);
    const consumed = await consumeRange(kafka, topic.name, before, after, opts.timeoutMs ?? 60_000);
    const kept = new Set(consumed.filter((m) => m.key.startsWith(`verify-${run}-`)).map((m) => m.value)).size;
    const problems = compareRoundTrip(
      messages,
      consumed.filter((m) => m.key.startsWith(`verify-${run}-`)),
    );
    if (shrunk.length > 0)
      problems.unshift(
        `end offsets went back after the restart on partition(s) ${shrunk.map(([p]) => p).join(', ')}`,
      );
    return [
      check({
        ...proofVia(endpoint),
        ...base,
        status: problems.length === 0 ? 'pass' : 'fail',
        measured: kept,
        evidence: `N=${n} produced with acks=all, restarted by ${restart.how} in ${restartMs} ms, ${kept} read back, ${n - kept} lost`,
        reason: problems.length > 0 ? problems.slice(0, 3).join('; ') : undefined,
        durationMs: since(t0),
      }),
      restartTimeCheck(endpoint, restart.how, restartMs),
    ];
  } catch (e) {
    return [
      check({ ...proofVia(endpoint), ...base, status: 'fail', reason: errText(e), durationMs: since(t0) }),
      restartMs === undefined
        ? check({
            ...proofVia(endpoint),
            id: '0-3.restart-time',
            criteria: ['0-3.ac6'],
            title: 'Broker restart through the orchestrator',
            status: 'fail',
            reason: `no restart measured: ${errText(e)}`,
          })
        : restartTimeCheck(endpoint, restart.how, restartMs),
    ];
  }
}
