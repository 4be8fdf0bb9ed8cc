// The produce batcher with a recording send(): concurrent calls share one request, each caller
// gets its own delivery, a large message travels alone and with nothing else in flight, a failed
// batch fails only its callers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBatcher, type Queued } from '../../src/kafka/batcher.ts';
import type { Delivery } from '../../src/kafka/bus.ts';

function recorder(
  opts: { fail?: (batch: Queued[]) => boolean; maxInFlight?: number; sendMs?: number; maxQueueMs?: number } = {},
) {
  const batches: Queued[][] = [];
  let inFlight = 0;
  let maxSeen = 0;
  const produce = createBatcher({
    maxInFlight: opts.maxInFlight ?? 5,
    maxBatchBytes: 1000,
    maxBatchMessages: 100,
    soloBytes: 200,
    lingerMs: 0,
    maxQueueMs: opts.maxQueueMs ?? 10_000,
    async send(batch): Promise<Delivery[]> {
      batches.push(batch);
      maxSeen = Math.max(maxSeen, ++inFlight);
      await new Promise((r) => setTimeout(r, opts.sendMs ?? 5));
      inFlight--;
      if (opts.fail?.(batch)) throw new Error('refused');
      return batch.map((b, i) => ({ topic: b.topic, partition: 0, offset: String(i) }));
    },
  });
  return { produce, batches, maxSeen: () => maxSeen };
}

test('calls made in the same turn go as one batch; each caller gets its own offset', async () => {
  const r = recorder();
  const ds = await Promise.all([0, 1, 2, 3].map((i) => r.produce('t', { value: `m${i}` })));
  assert.is(r.batches.length, 1);
  assert.equal(
    ds.map((d) => d.offset),
    ['0', '1', '2', '3'],
  );
});

test('at the in-flight limit the queue waits and then goes as one larger batch', async () => {
  const r = recorder({ maxInFlight: 1 });
  const first = r.produce('t', { value: 'a' });
  await new Promise((res) => setImmediate(res));
  const rest = [1, 2, 3].map((i) => r.produce('t', { value: `b${i}` }));
  await Promise.all([first, ...rest]);
  assert.equal(
    r.batches.map((b) => b.length),
    [1, 3],
  );
  assert.is(r.maxSeen(), 1);
});

test('a message over soloBytes travels alone, and its failure takes no other message with it', async () => {
  const r = recorder({ fail: (batch) => batch.some((b) => b.bytes > 200) });
  const results = await Promise.allSettled([
    r.produce('t', { value: 'small-1' }),
    r.produce('t', { value: 'x'.repeat(300) }),
    r.produce('t', { value: 'small-2' }),
  ]);
  assert.equal(
    results.map((x) => x.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.ok(r.batches.some((b) => b.length === 1 && b[0]!.bytes > 200));
});

test('a message still queued after maxQueueMs is refused as unavailable and never sent', async () => {
  const r = recorder({ maxInFlight: 1, sendMs: 200, maxQueueMs: 50 });
  const order: string[] = [];
  const first = r.produce('t', { value: 'sent' }).then((d) => (order.push('sent'), d));
  await new Promise((res) => setImmediate(res));
  const late = await Promise.allSettled(
    ['late-1', 'late-2'].map((v) =>
      r.produce('t', { value: v }).catch((e: Error) => {
        order.push(`${v} refused`);
        throw e;
      }),
    ),
  );
  assert.equal(
    late.map((x) => (x.status === 'rejected' ? (x.reason as Error).name : 'fulfilled')),
    ['BusUnavailableError', 'BusUnavailableError'],
  );
  assert.is((await first).offset, '0');
  // Refused while the send ahead of them was still in flight, not when it ended.
  assert.equal(order, ['late-1 refused', 'late-2 refused', 'sent']);
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(
    r.batches.map((b) => b.map((q) => q.message.value)),
    [['sent']],
  );
});

test('a batch is cut at maxBatchBytes', async () => {
  const r = recorder();
  await Promise.all(Array.from({ length: 10 }, () => r.produce('t', { value: 'y'.repeat(150) })));
  assert.ok(r.batches.every((b) => b.reduce((n, x) => n + x.bytes, 0) <= 1000));
  assert.is(
    r.batches.reduce((n, b) => n + b.length, 0),
    10,
  );
});

test('a message over soloBytes goes out only when nothing is in flight, and nothing goes beside it', async () => {
  const log: string[] = [];
  let inFlight = 0;
  const produce = createBatcher({
    maxInFlight: 5,
    maxBatchBytes: 1000,
    maxBatchMessages: 100,
    soloBytes: 200,
    lingerMs: 0,
    maxQueueMs: 10_000,
    async send(batch): Promise<Delivery[]> {
      const name = batch.map((b) => b.message.key).join('+');
      log.push(`start ${name} (${inFlight} in flight)`);
      inFlight++;
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      log.push(`end ${name}`);
      if (name === 'big') throw new Error('too large');
      return batch.map((b, i) => ({ topic: b.topic, partition: 0, offset: String(i) }));
    },
  });
  const first = produce('t', { key: 'a', value: 'a' });
  await new Promise((res) => setImmediate(res));
  const rest = [
    produce('t', { key: 'big', value: 'x'.repeat(300) }),
    produce('t', { key: 'b', value: 'b' }),
    produce('t', { key: 'c', value: 'c' }),
  ];
  const results = await Promise.allSettled([first, ...rest]);
  assert.equal(
    results.map((x) => x.status),
    ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
  assert.equal(log, [
    'start a (0 in flight)',
    'end a',
    'start big (0 in flight)',
    'end big',
    'start b+c (0 in flight)',
    'end b+c',
  ]);
});

test.run();
