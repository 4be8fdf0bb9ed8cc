// The native event bus's pure parts and its setup errors, without a broker: settings
// validation, the round-trip comparison, the seed topic list, and the one-line errors for a
// missing or old Java and a failing mvn (a real mvn run on a broken pom in a temp dir).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../tasks/engine/task.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import {
  installKafkaJars,
  kafkaJarsInstalled,
  requireJava,
} from '../../tasks/config/kafka-jars.ts';
import { kafkaSettings } from '../../tasks/targets/native/kafka.ts';
import { describeOutcome, SEED_TOPICS } from '../../tasks/topics.ts';
import { compareRoundTrip } from '../../tasks/phase0/03-event-bus/checks.ts';

const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

test('seed topics: the six of task 0-3 with their partitions, replication 1', () => {
  assert.equal(
    SEED_TOPICS.map((t) => `${t.name}:${t.partitions}:${t.replicationFactor}`),
    [
      'market-data.candles.1m:3:1',
      'market-data.candles.5m:3:1',
      'market-data.trades:6:1',
      'signals.generated:3:1',
      'orders.placed:3:1',
      'orders.filled:3:1',
    ],
  );
});

test('a partition mismatch line names both numbers', () => {
  const line = describeOutcome({ name: 'orders.placed', outcome: 'mismatch', expected: 3, actual: 5 });
  assert.match(line, /orders\.placed: exists with 5 partitions, the seed says 3/);
});

test('settings: defaults, overrides, and one-line errors for bad or clashing ports', () => {
  assert.equal(kafkaSettings({}), { port: 19092, controllerPort: 19093, metricsPort: 7071, heapMb: 512 });
  assert.is(kafkaSettings({ KAFKA_PORT: '29092' }).port, 29092);
  assert.throws(
    () => kafkaSettings({ KAFKA_PORT: 'abc' }),
    (e: Error) => e instanceof UsageError && /KAFKA_PORT=abc/.test(e.message),
  );
  assert.throws(() => kafkaSettings({ KAFKA_PORT: '70000' }), /1\.\.65535/);
  assert.throws(
    () => kafkaSettings({ KAFKA_CONTROLLER_PORT: '19092' }),
    /must differ \(got 19092, 19092, 7071\)/,
  );
});

const produced = [
  { key: 'a', value: 'a0' },
  { key: 'b', value: 'b0' },
  { key: 'a', value: 'a1' },
  { key: 'b', value: 'b1' },
];

test('round trip: all messages, same key on one partition, produced order per partition', () => {
  const consumed = [
    { key: 'b', value: 'b0', partition: 1, offset: '0' },
    { key: 'a', value: 'a0', partition: 0, offset: '0' },
    { key: 'b', value: 'b1', partition: 1, offset: '1' },
    { key: 'a', value: 'a1', partition: 0, offset: '1' },
  ];
  assert.equal(compareRoundTrip(produced, consumed), []);
});

test('round trip: a missing message, a reordering, a key on two partitions, a changed key are each reported', () => {
  const problems = compareRoundTrip(produced, [
    { key: 'a', value: 'a1', partition: 0, offset: '0' },
    { key: 'a', value: 'a0', partition: 0, offset: '1' },
    { key: 'b', value: 'b0', partition: 2, offset: '0' },
    { key: 'x', value: 'b1', partition: 1, offset: '0' },
  ]);
  assert.ok(
    problems.some((p) => /order broken/.test(p)),
    problems.join('; '),
  );
  assert.ok(
    problems.some((p) => /key x, produced with b/.test(p)),
    problems.join('; '),
  );
  const missing = compareRoundTrip(produced, []);
  assert.ok(missing.some((p) => /4 of 4 messages missing/.test(p)));
  const split = compareRoundTrip(produced.slice(0, 3), [
    { key: 'a', value: 'a0', partition: 0, offset: '0' },
    { key: 'b', value: 'b0', partition: 1, offset: '0' },
    { key: 'a', value: 'a1', partition: 2, offset: '0' },
  ]);
  assert.ok(
    split.some((p) => /key a on partitions 0 and 2/.test(p)),
    split.join('; '),
  );
});

test('java: missing is a usage error saying how to install it', async () => {
  const e = await errorOf(requireJava('/nonexistent/bin/java'));
  assert.instance(e, UsageError);
  assert.match(
    e!.message,
    /java not found \(\/nonexistent\/bin\/java\).*apt-get install openjdk-17-jre-headless/,
  );
});

test('java: older than 17 is a usage error naming the version found', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kafka-java-'));
  try {
    const fake = path.join(dir, 'java');
    // A stand-in for an old JDK: prints what Java 11 prints on stderr.
    await fs.writeFile(fake, '#!/bin/sh\necho \'openjdk version "11.0.22" 2024-01-16\' >&2\n', {
      mode: 0o755,
    });
    const e = await errorOf(requireJava(fake));
    assert.instance(e, UsageError);
    assert.match(e!.message, /Java 11 found .*needs Java 17\+/);
    assert.ok((await requireJava()) >= 17, 'the machine java passes');
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('mvn failing: a usage error with its error line and the command; nothing marked installed', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'kafka-mvn-'));
  try {
    await fs.mkdir(path.join(root, 'manifests', 'native', 'kafka'), { recursive: true });
    await fs.writeFile(
      path.join(root, 'manifests', 'native', 'kafka', 'pom.xml'),
      '<project><modelVersion>4.0.0</modelVersion>\n',
    );
    const paths = {
      ...resolvePaths({
        PLATFORM_DIR: path.join(root, '.platform'),
        PLATFORM_CACHE: path.join(root, 'cache'),
      }),
      root,
    };
    const e = await errorOf(installKafkaJars(paths));
    assert.instance(e, UsageError);
    assert.match(
      e!.message,
      /^mvn failed \(exit 1\) resolving Kafka jars: .*\[ERROR\].*; command: mvn -B -q -f .*pom\.xml/,
    );
    assert.not.ok(e!.message.includes('\n'), 'one line');
    assert.is(await kafkaJarsInstalled(paths), false);
    assert.equal(await fs.readdir(path.join(root, 'cache', 'kafka')), [], 'no half-filled lib dir left');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test.run();
