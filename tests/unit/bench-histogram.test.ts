// Latency recording: HdrHistogram in µs, monotonic percentiles, coordinated-omission handling.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  correctedCopy,
  decode,
  distribution,
  encode,
  newHistogram,
  plotPoints,
  recordUs,
  summarize,
} from '../../bench/kafka/histogram.ts';
import { openLoop, decodeMessage } from '../../bench/kafka/runner.ts';
import type { ProducerDriver } from '../../bench/kafka/clients/types.ts';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('summary percentiles are monotonic and in ms', () => {
  const h = newHistogram();
  const rnd = seeded(42);
  for (let i = 0; i < 50_000; i++) recordUs(h, 200 + Math.floor(-Math.log(1 - rnd()) * 800));
  const s = summarize(h);
  assert.is(s.count, 50_000);
  const seq = [s.p50, s.p90, s.p95, s.p99, s.p999, s.max];
  for (let i = 1; i < seq.length; i++)
    assert.ok(seq[i]! >= seq[i - 1]!, `percentiles not monotonic: ${seq.join(', ')}`);
  assert.ok(s.p50 > 0.2 && s.p50 < 2, `p50 ${s.p50} ms should be near 0.75 ms`);
  const pts = plotPoints(h);
  for (let i = 1; i < pts.length; i++) {
    assert.ok(pts[i]![0] > pts[i - 1]![0] && pts[i]![1] >= pts[i - 1]![1], 'plot points rise in both axes');
  }
  assert.is(pts[pts.length - 1]![0], 100);
});

test('values are clamped to ≥ 1 µs and counts are kept', () => {
  const h = newHistogram();
  recordUs(h, 0);
  recordUs(h, 0.2);
  recordUs(h, 1500, 10);
  assert.is(h.totalCount, 12);
  assert.is(h.minNonZeroValue, 1);
});

test('encoding round-trips and the .hgrm distribution is in ms', () => {
  const h = newHistogram();
  for (let v = 1; v <= 10_000; v++) recordUs(h, v);
  const back = decode(encode(h));
  assert.is(back.totalCount, h.totalCount);
  assert.is(back.getValueAtPercentile(99), h.getValueAtPercentile(99));
  const text = distribution(h);
  assert.match(text, /Value\s+Percentile\s+TotalCount/);
  assert.match(text, /#\[Max\s+=\s+10\.0/);
});

test('after-the-fact CO correction adds the samples a stall hid, never lowering a percentile', () => {
  const h = newHistogram();
  for (let i = 0; i < 1000; i++) recordUs(h, 1000);
  recordUs(h, 500_000); // one 500 ms stall in a stream expected every 1 ms
  const c = correctedCopy(h, 1000);
  assert.ok(c.totalCount > h.totalCount + 400, `corrected count ${c.totalCount}`);
  for (const p of [50, 90, 95, 99, 99.9, 100]) {
    assert.ok(c.getValueAtPercentile(p) >= h.getValueAtPercentile(p), `p${p}`);
  }
  assert.ok(c.getValueAtPercentile(99) > 100_000, 'the stall shows at p99 once corrected');
  assert.is(h.getValueAtPercentile(99), 1000, 'uncorrected p99 hides it');
});

// Stand-in for a Kafka producer (no broker in a unit test): acks after 1 ms, once stalls 150 ms.
function stallingDriver(stallAtCall: number): ProducerDriver & { values: Buffer[] } {
  let calls = 0;
  const values: Buffer[] = [];
  return {
    name: 'kafkajs',
    batchingNote: 'in-memory stand-in producer (unit test)',
    values,
    connect: async () => undefined,
    send: (_t, _p, batch) => {
      values.push(...batch);
      const ms = ++calls === stallAtCall ? 150 : 1;
      return new Promise((r) => setTimeout(r, ms));
    },
    close: async () => undefined,
  };
}

test('open loop (stand-in producer): latency from intended time is never below latency from actual send', async () => {
  const driver = stallingDriver(20);
  const r = await openLoop(driver, undefined, 't', 3, {
    messages: 0,
    size: 32,
    batch: 100,
    inFlight: 1,
    rate: 2000,
    durationS: 0.5,
    warmup: 0,
    stallTimeoutMs: 5000,
    progressMs: 0,
    bootstrap: 'stand-in:0',
  });
  assert.is(r.status, 'complete');
  assert.is(r.counts.sent, 1000);
  assert.is(r.counts.acked, 1000);
  assert.is(r.counts.measured, 1000);
  const seqs = driver.values.map((v) => decodeMessage(v)!.seq);
  assert.equal(
    seqs,
    Array.from({ length: 1000 }, (_, i) => i),
    'every message sent once, in schedule order',
  );
  const intended = r.latency.intended!.summary;
  const send = r.latency.send!.summary;
  for (const k of ['p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const) {
    assert.ok(intended[k] >= send[k], `${k}: intended ${intended[k]} < send ${send[k]}`);
  }
  // With one request in flight, messages due during the 150 ms stall waited for it: the
  // corrected series sees that wait, the uncorrected one only sees their own short sends.
  assert.ok(intended.p99 >= 100, `intended p99 ${intended.p99} ms should show the 150 ms stall`);
});

test.run();
