// The rule "a dashboard query that reads a metric no target exports is a failed check", and its
// one exception: series of a service that is not running yet are a skip that says so. A partial
// result (some metrics there, the service's missing) is a skip too, never a pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exportCheck } from '../../tasks/phase0/04-metrics/checks.ts';

const recording = new Map([
  ['job:http_requests:rate5m', 'sum by (job) (rate(http_requests_total[5m]))'],
  ['topic:kafka_messages_in:rate5m', 'sum by (topic) (rate(kafka_topic_partition_current_offset[5m]))'],
]);
const demoDown = new Map([['demo-service', 'demo-service is not up at http://127.0.0.1:8000/metrics']]);

test('pass when every base metric behind the recording rules is exported', () => {
  const c = exportCheck(
    'x.m',
    't',
    ['0-4.ac4'],
    ['topic:kafka_messages_in:rate5m', 'up'],
    new Set(['kafka_topic_partition_current_offset', 'up']),
    recording,
    new Map(),
  );
  assert.is(c.status, 'pass');
  assert.is(c.measured, '2/2');
});

test('fail naming the metric when no target exports it', () => {
  const c = exportCheck(
    'x.m',
    't',
    ['0-4.ac4'],
    ['topic:kafka_messages_in:rate5m', 'node_memory_MemTotal_bytes'],
    new Set(['node_memory_MemTotal_bytes']),
    recording,
    new Map(),
  );
  assert.is(c.status, 'fail');
  assert.match(c.reason ?? '', /kafka_topic_partition_current_offset/);
  const typo = exportCheck(
    'x.m',
    't',
    [],
    ['nodee_memory_total'],
    new Set(['node_memory_MemTotal_bytes']),
    recording,
    demoDown,
  );
  assert.is(typo.status, 'fail');
  assert.match(typo.reason ?? '', /no known exporter/);
});

test('service series while the service is down: a skip naming them, whether they are all or some of the metrics', () => {
  const only = exportCheck(
    'x.m',
    't',
    [],
    ['job:http_requests:rate5m'],
    new Set(['up']),
    recording,
    demoDown,
  );
  assert.is(only.status, 'skip');
  assert.match(only.reason ?? '', /demo-service is not up/);
  const mixed = exportCheck(
    'x.m',
    't',
    [],
    ['job:http_requests:rate5m', 'up'],
    new Set(['up']),
    recording,
    demoDown,
  );
  assert.is(mixed.status, 'skip', 'a partial result is not a pass');
  assert.is(mixed.measured, '1/2');
  assert.match(mixed.reason ?? '', /1 of 2 not exported until the service runs: http_requests_total/);
  // The same series with the service up but not exporting them is a failure, not a skip.
  const broken = exportCheck(
    'x.m',
    't',
    [],
    ['job:http_requests:rate5m'],
    new Set(['up']),
    recording,
    new Map(),
  );
  assert.is(broken.status, 'fail');
});

test.run();
