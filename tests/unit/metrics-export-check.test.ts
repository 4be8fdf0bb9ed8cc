// The rule "a dashboard query that reads a metric no target exports is a failed check", and its
// one exception: series of a service that is not running yet are a skip that says so. A partial
// result (some metrics there, the service's missing) is a skip too, never a pass. Judged through
// the check runner, as verify runs it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import { exportMeasure } from '../../tasks/phase0/04-metrics/export.ts';
import { defineCheck } from '../../validation/lib/define-check.ts';

const recording = new Map([
  ['job:http_requests:rate5m', 'sum by (job) (rate(http_requests_total[5m]))'],
  ['topic:kafka_messages_in:rate5m', 'sum by (topic) (rate(kafka_topic_partition_current_offset[5m]))'],
]);
const demoDown = new Map([['demo-service', 'demo-service is not up at http://127.0.0.1:8000/metrics']]);

const exportCheck = (exprs: string[], known: Set<string>, down: Map<string, string>) =>
  defineCheck({ id: '0-4.x', title: 't', proof: 'live' }, () => exportMeasure(exprs, { known, recording, down })).run(
    {} as PlatformContext,
  );

test('pass when every base metric behind the recording rules is exported', async () => {
  const c = await exportCheck(
    ['topic:kafka_messages_in:rate5m', 'up'],
    new Set(['kafka_topic_partition_current_offset', 'up']),
    new Map(),
  );
  assert.is(c.status, 'pass');
  assert.is(c.measured, '2/2');
  assert.is(c.unit, 'metrics exported');
});

test('fail naming the metric when no target exports it', async () => {
  const c = await exportCheck(
    ['topic:kafka_messages_in:rate5m', 'node_memory_MemTotal_bytes'],
    new Set(['node_memory_MemTotal_bytes']),
    new Map(),
  );
  assert.is(c.status, 'fail');
  assert.match(c.reason ?? '', /kafka_topic_partition_current_offset/);
  const typo = await exportCheck(['nodee_memory_total'], new Set(['node_memory_MemTotal_bytes']), demoDown);
  assert.is(typo.status, 'fail');
  assert.match(typo.reason ?? '', /no known exporter/);
});

test('service series while the service is down: a skip naming them, whether they are all or some of the metrics', async () => {
  const only = await exportCheck(['job:http_requests:rate5m'], new Set(['up']), demoDown);
  assert.is(only.status, 'skip');
  assert.match(only.reason ?? '', /demo-service is not up/);
  const mixed = await exportCheck(['job:http_requests:rate5m', 'up'], new Set(['up']), demoDown);
  assert.is(mixed.status, 'skip', 'a partial result is not a pass');
  assert.is(mixed.measured, '1/2');
  assert.match(mixed.reason ?? '', /1 of 2 not exported until the service runs: http_requests_total/);
  // The same series with the service up but not exporting them is a failure, not a skip.
  const broken = await exportCheck(['job:http_requests:rate5m'], new Set(['up']), new Map());
  assert.is(broken.status, 'fail');
});

test.run();
