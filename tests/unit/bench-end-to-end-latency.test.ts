// Kafka's EndToEndLatency in the bench: its arguments and what it prints (Kafka 4.4 format).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBenchOptions } from '../../bench/kafka/args.ts';
import { endToEndArgs, endToEndRecords, parseEndToEnd } from '../../bench/kafka/end-to-end-latency.ts';

test('the summary lines are parsed; missing lines give undefined', () => {
  const out = [
    'Topic "t" does not exist. Will create topic with 1 partition(s) and replication factor = 1',
    '0\t132.239212',
    '1000\t2.515083',
    'Avg latency: 5.6741 ms',
    'Percentiles: 50th = 2, 99th = 58, 99.9th = 157',
  ];
  assert.equal(parseEndToEnd(out), { avgMs: 5.6741, p50: 2, p99: 58, p999: 157 });
  assert.is(parseEndToEnd(out.slice(0, 4)), undefined);
});

test('named options of the Kafka 4 tool; records bounded, one at a time', () => {
  const o = { bootstrap: '127.0.0.1:1', size: 100, acks: -1 as const, rate: 10_000, durationS: 10 };
  const args = endToEndArgs({ java: 'java', classpath: 'cp' }, 'topic-x', o);
  const at = args.indexOf('org.apache.kafka.tools.EndToEndLatency');
  assert.ok(at > 0);
  assert.equal(args.slice(at + 1), [
    '--bootstrap-server',
    '127.0.0.1:1',
    '--topic',
    'topic-x',
    '--num-records',
    '10000',
    '--producer-acks',
    'all',
    '--record-size',
    '100',
  ]);
  assert.is(endToEndRecords({ rate: 100, durationS: 5 }), 500);
});

test('--clients e2e-latency runs in latency mode only', () => {
  const raw = { bootstrap: '127.0.0.1:1', clients: 'platformatic,e2e-latency' };
  assert.equal(parseBenchOptions({ ...raw, mode: 'latency' }, {}).clients, ['platformatic', 'e2e-latency']);
  assert.throws(() => parseBenchOptions({ ...raw, mode: 'throughput' }, {}), /use it with --mode latency/);
});

test.run();
