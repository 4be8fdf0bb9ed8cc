// Bench flag validation: bad parameters are one-line usage errors (exit 2) before any socket opens.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../tasks/engine/task.ts';
import { parseBenchOptions, totalMessages } from '../../bench/kafka/args.ts';
import { main } from '../../bench/kafka.ts';

const env = { KAFKA_PORT: '29092' } as NodeJS.ProcessEnv;

function usageError(raw: Record<string, string | boolean>, match: RegExp): void {
  try {
    parseBenchOptions(raw, env);
  } catch (e) {
    assert.instance(e, UsageError);
    const msg = (e as Error).message;
    assert.not.match(msg, /\n/, 'one line');
    assert.match(msg, match);
    return;
  }
  assert.unreachable(`expected a UsageError for ${JSON.stringify(raw)}`);
}

test('defaults: throughput mode, all three clients, native bootstrap from KAFKA_PORT, 10% warm-up', () => {
  const o = parseBenchOptions({}, env);
  assert.is(o.mode, 'throughput');
  assert.equal(o.clients, ['kafkajs', 'perf-test', 'platformatic']);
  assert.is(o.bootstrap, '127.0.0.1:29092');
  assert.is(o.acks, -1);
  assert.is(o.size, 100);
  assert.is(o.warmup, 100_000);
  assert.is(totalMessages(o), 1_100_000);
});

test('latency mode: JS clients only, warm-up defaults to 2 s at the rate, e2e on', () => {
  const o = parseBenchOptions({ mode: 'latency', rate: '5000', duration: '3' }, env);
  assert.equal(o.clients, ['kafkajs', 'platformatic']);
  assert.is(o.warmup, 10_000);
  assert.is(o.e2e, true);
  assert.is(totalMessages(o), 25_000);
});

test('negative or zero rate is a usage error', () => {
  usageError({ mode: 'latency', rate: '-5' }, /--rate must be greater than 0/);
  usageError({ mode: 'latency', rate: '0' }, /--rate must be greater than 0/);
  usageError({ mode: 'latency', rate: 'fast' }, /--rate must be a number/);
});

test('zero or fractional messages is a usage error', () => {
  usageError({ messages: '0' }, /--messages must be at least 1/);
  usageError({ messages: '1.5' }, /--messages must be an integer/);
});

test('other bad values: acks, mode, clients, compression, size, bootstrap, topic', () => {
  usageError({ acks: '2' }, /--acks must be all, -1, 1 or 0/);
  usageError({ mode: 'soak' }, /--mode must be throughput or latency/);
  usageError({ clients: 'kafkajs,rdkafka' }, /unknown client 'rdkafka'/);
  usageError({ mode: 'latency', clients: 'perf-test' }, /perf-test has no open-loop mode/);
  usageError({ compression: 'lz4' }, /kafkajs only ships gzip/);
  usageError({ compression: 'brotli' }, /--compression must be one of/);
  usageError({ mode: 'latency', size: '8' }, /--size must be at least 16/);
  usageError({ bootstrap: 'localhost' }, /--bootstrap must be host:port/);
  usageError({ topic: 'no spaces' }, /not a valid Kafka topic name/);
  usageError({ 'stall-timeout': '0' }, /--stall-timeout must be greater than 0/);
});

test('bench/kafka.ts main(): bad parameters exit 2 without touching a broker', async () => {
  const errors: string[] = [];
  const orig = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    assert.is(await main(['--mode', 'latency', '--rate=-5', '--bootstrap', '127.0.0.1:1']), 2);
    assert.is(await main(['--messages', '0', '--bootstrap', '127.0.0.1:1']), 2);
    assert.is(await main(['--no-such-flag']), 2);
  } finally {
    console.error = orig;
  }
  assert.is(errors.length, 3);
  assert.match(errors[0]!, /--rate must be greater than 0/);
  assert.match(errors[2]!, /no-such-flag/);
});

test.run();
