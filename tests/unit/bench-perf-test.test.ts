// kafka-producer-perf-test output parser and command line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  parsePerfTestLine,
  perfTestArgs,
  pickTotal,
  type PerfTestLine,
} from '../../bench/kafka/perf-test.ts';

const WINDOW =
  '512345 records sent, 102469.0 records/sec (9.77 MB/sec), 12.3 ms avg latency, 254.0 ms max latency.';
const TOTAL =
  '1100000 records sent, 105123.456789 records/sec (10.03 MB/sec), 11.85 ms avg latency, 254.00 ms max latency, 8 ms 50th, 31 ms 95th, 45 ms 99th, 210 ms 99.9th.';
const STEADY =
  '1000000 steady state records sent, 107000.000000 records/sec (10.20 MB/sec), 10.50 ms avg latency, 90.00 ms max latency, 7 ms 50th, 28 ms 95th, 40 ms 99th, 80 ms 99.9th.';

test('parses a window line', () => {
  assert.equal(parsePerfTestLine(WINDOW), {
    kind: 'window',
    records: 512345,
    recordsPerSec: 102469,
    mbPerSec: 9.77,
    avgMs: 12.3,
    maxMs: 254,
  });
});

test('parses the total and the steady-state total', () => {
  const t = parsePerfTestLine(TOTAL);
  assert.ok(t && t.kind === 'total');
  assert.is(t.records, 1_100_000);
  assert.is(t.steadyState, false);
  assert.is(t.recordsPerSec, 105123.456789);
  assert.equal([t.p50, t.p95, t.p99, t.p999], [8, 31, 45, 210]);
  const s = parsePerfTestLine(STEADY);
  assert.ok(s && s.kind === 'total' && s.steadyState);
  assert.is(s.records, 1_000_000);
});

test('ignores other output', () => {
  assert.is(parsePerfTestLine('In steady state.'), undefined);
  assert.is(
    parsePerfTestLine('org.apache.kafka.common.errors.TimeoutException: Expiring 5 record(s)'),
    undefined,
  );
  assert.is(parsePerfTestLine(''), undefined);
});

test('pickTotal prefers the steady-state line (warm-up excluded)', () => {
  const lines = [WINDOW, TOTAL, STEADY].map(parsePerfTestLine) as PerfTestLine[];
  assert.is(pickTotal(lines)?.steadyState, true);
  assert.is(pickTotal(lines.slice(0, 2))?.records, 1_100_000);
  assert.is(pickTotal(lines.slice(0, 1)), undefined);
});

test('command line: same parameters as the JS clients, warm-up split off, bounded timeouts', () => {
  const args = perfTestArgs({ java: 'java', classpath: '/x.jar' }, 'topic-a', {
    bootstrap: '127.0.0.1:1234',
    messages: 1000,
    warmup: 100,
    size: 100,
    acks: -1,
    batch: 500,
    lingerMs: 5,
    inFlight: 5,
    compression: 'none',
    stallTimeoutMs: 10_000,
  });
  const at = (flag: string) => args[args.indexOf(flag) + 1];
  assert.is(at('--num-records'), '1100');
  assert.is(at('--warmup-records'), '100');
  assert.is(at('--record-size'), '100');
  assert.is(at('--throughput'), '-1');
  for (const p of [
    'bootstrap.servers=127.0.0.1:1234',
    'acks=all',
    'batch.size=60061',
    'linger.ms=5',
    'max.in.flight.requests.per.connection=5',
    'compression.type=none',
    'delivery.timeout.ms=10005',
  ]) {
    assert.ok(args.includes(p), `missing ${p}`);
  }
  assert.ok(args.includes('-Duser.language=en'), 'number format fixed for the parser');
});

test.run();
