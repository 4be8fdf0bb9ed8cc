// Verify checks of seed task 0-3 (event bus), as data. They need only the target's Kafka
// bootstrap endpoint (durability also restarts the broker through the target's component,
// durability-checks.ts), so the same checks run against the native broker, Redpanda on k3d and
// Redpanda in Compose; where the target has no Kafka endpoint each is a skip with its reason.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { execa } from '../../lazy-execa.ts';
import { orchestratorKafka, partitionCounts, SEED_TOPICS, type TopicSpec } from '../../topics.ts';
import { defineCheck, type DefinedCheck } from '../../../validation/lib/define-check.ts';
import { errText, firstLine } from '../../../validation/lib/errors.ts';
import { compareRoundTrip, consumeRange, endOffsets, produceKeyed, testMessages } from './kafka-io.ts';

const since = (t0: number) => Math.round(performance.now() - t0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The partition count of each named topic that exists. */
async function readCounts(bootstrap: string, names: readonly string[]): Promise<Map<string, number>> {
  const admin = orchestratorKafka(bootstrap, 'example-app-verify').admin();
  try {
    await admin.connect();
    return await partitionCounts(admin, names);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Every seed topic exists with the seed's partition count (0-3's `status`: cheap, no checks). */
export async function seedTopicsMatch(bootstrap: string, topics: readonly TopicSpec[] = SEED_TOPICS): Promise<boolean> {
  const counts = await readCounts(bootstrap, topics.map((t) => t.name));
  return topics.every((t) => counts.get(t.name) === t.partitions);
}

/** One describeCluster answer within the bound; throws the last error when none came. */
async function describeWithin(bootstrap: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let lastError: string | undefined;
  for (;;) {
    const admin = orchestratorKafka(bootstrap, 'example-app-verify').admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      return await admin.describeCluster();
    } catch (e) {
      lastError = firstLine(errText(e));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() > deadline)
      throw new Error(`no describeCluster answer within ${timeoutMs} ms: ${lastError ?? 'no attempt finished'}`);
    await sleep(500);
  }
}

/**
 * Broker ready: a describeCluster answer. The figure is the time to ready the target measured
 * when it started the broker (its event-bus component's facts; native: from spawn to the first
 * Kafka answer); without it, how long the broker took to answer now.
 */
export const brokerReady = (opts: { timeoutMs?: number } = {}): DefinedCheck =>
  defineCheck(
    { id: '0-3.broker-ready', criteria: ['0-3.ac1', '0-3.ac3'], title: 'Kafka broker answers on the bootstrap address', needs: 'kafka', proof: 'live' },
    async (ep, ctx) => {
      const startupMs = (await ctx.target.components['event-bus']?.facts?.(ctx))?.startup?.readyMs.kafka;
      const t0 = performance.now();
      const c = await describeWithin(ep.url, opts.timeoutMs ?? 30_000);
      const answerMs = since(t0);
      return {
        measured: startupMs ?? answerMs,
        unit: 'ms',
        evidence:
          `describeCluster on ${ep.url}: cluster ${c.clusterId}, ${c.brokers.length} broker(s), controller ${c.controller}; ` +
          (startupMs !== undefined ? `time to ready at start ${startupMs} ms, ` : '') +
          `answered now in ${answerMs} ms`,
      };
    },
  );

/** One check per seed topic: present, with the seed's partition count. */
export const topicChecks = (topics: readonly TopicSpec[] = SEED_TOPICS): DefinedCheck[] =>
  topics.map((t) =>
    defineCheck(
      { id: `0-3.topic.${t.name}`, criteria: ['0-3.ac7'], title: `Topic ${t.name} exists with ${t.partitions} partitions`, needs: 'kafka', proof: 'live' },
      async (ep) => {
        let actual: number | undefined;
        try {
          actual = (await readCounts(ep.url, [t.name])).get(t.name);
        } catch (e) {
          throw new Error('could not read topic metadata', { cause: e });
        }
        const problem =
          actual === undefined
            ? `topic ${t.name} does not exist; run: npx tsx tasks.ts topics-create`
            : actual !== t.partitions
              ? `topic ${t.name} has ${actual} partitions, the seed says ${t.partitions}`
              : undefined;
        return {
          ...(actual !== undefined ? { measured: actual } : {}),
          unit: 'partitions',
          threshold: `= ${t.partitions}`,
          problems: problem ? [problem] : [],
        };
      },
    ),
  );

/** Round trip on every seed topic: keyed messages produced with acks=all and read back in order. */
export function roundTripChecks(
  opts: { topics?: readonly TopicSpec[]; keys?: number; perKey?: number; timeoutMs?: number } = {},
): DefinedCheck[] {
  const keys = opts.keys ?? 6;
  const perKey = opts.perKey ?? 5;
  const run = randomUUID().slice(0, 8);
  return (opts.topics ?? SEED_TOPICS).map((t) =>
    defineCheck(
      { id: `0-3.round-trip.${t.name}`, criteria: ['0-3.ac3'], title: `Round trip on ${t.name}: keys, values and order per partition`, needs: 'kafka', proof: 'live' },
      async (ep) => {
        const kafka = orchestratorKafka(ep.url, 'example-app-verify');
        const messages = testMessages(run, t.name, keys, perKey);
        const before = await endOffsets(kafka, t.name);
        await produceKeyed(kafka, t.name, messages);
        const after = await endOffsets(kafka, t.name);
        const consumed = await consumeRange(kafka, t.name, before, after, opts.timeoutMs ?? 30_000);
        const mine = consumed.filter((m) => m.key.startsWith(`verify-${run}-`));
        const partitions = new Set(mine.map((m) => m.partition)).size;
        return {
          measured: new Set(mine.map((m) => m.value)).size,
          unit: 'messages',
          threshold: `= ${keys * perKey}`,
          evidence: `${messages.length} messages, ${keys} keys, acks=all; read back from ${partitions} partition(s) with a fresh group`,
          problems: compareRoundTrip(messages, mine).slice(0, 3),
        };
      },
    ),
  );
}

const lastLine = (r: { all?: string } | undefined) => (r?.all ?? '').trim().split('\n').at(-1) ?? '';

/**
 * The seed's test scripts (0-3.ac8), run as they would be by hand: scripts/kafka-produce-test.sh
 * sends keyed messages with Kafka's console producer, scripts/kafka-consume-test.sh reads them
 * back with the console consumer and checks count, keys and order per key.
 */
export const testScripts = (opts: { count?: number } = {}): DefinedCheck =>
  defineCheck(
    { id: '0-3.test-scripts', criteria: ['0-3.ac8'], title: "The seed's test scripts produce and consume (scripts/kafka-produce-test.sh, kafka-consume-test.sh)", needs: 'kafka', proof: 'live' },
    async (ep, ctx) => {
      const count = opts.count ?? 100;
      const args = ['--bootstrap', ep.url, '--topic', 'orders.placed', '--count', String(count), '--run-id', randomUUID().slice(0, 8)];
      const script = (name: string) =>
        execa(path.join(ctx.paths.root, 'scripts', name), args, {
          reject: false,
          all: true,
          timeout: 120_000,
          env: { PLATFORM_CACHE: ctx.paths.cache },
          cancelSignal: ctx.signal,
        });
      const produced = await script('kafka-produce-test.sh');
      const consumed = produced.exitCode === 0 ? await script('kafka-consume-test.sh') : undefined;
      // What the consume script read back, from its own line: the figure, not the count asked for.
      const readBack = /(?:read back )?(\d+) of \d+(?: read back)?/.exec(lastLine(consumed))?.[1];
      const problem =
        produced.exitCode !== 0
          ? `kafka-produce-test.sh exit ${produced.exitCode}: ${lastLine(produced)}`
          : consumed?.exitCode !== 0
            ? `kafka-consume-test.sh exit ${consumed?.exitCode}: ${lastLine(consumed)}`
            : undefined;
      return {
        ...(readBack !== undefined ? { measured: Number(readBack) } : {}),
        unit: 'messages read back',
        threshold: `all ${count} back, keys and order kept`,
        evidence: `${lastLine(produced)}; ${lastLine(consumed) || 'consume test not run'}`,
        problems: problem ? [problem] : [],
      };
    },
  );

export { compareRoundTrip };
