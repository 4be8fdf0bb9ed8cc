// Closed loop (throughput): keep `inFlight` batches outstanding until N messages are acked;
// the latency of each send is taken from its actual send() call.
import { randomBytes } from 'node:crypto';
import { nowUs } from './clock.ts';
import { RunControl } from './control.ts';
import { newHistogram, recordUs, type Histogram } from './histogram.ts';
import {
  INTERRUPT_GRACE_MS,
  newTally,
  sendFailed,
  series,
  watchAcks,
  type RunHooks,
  type RunOptions,
  type Tally,
} from './loop.ts';
import { mbPerSec, type ClientResult } from './result.ts';
import type { ProducerDriver } from './clients/types.ts';

export async function closedLoop(
  driver: ProducerDriver,
  topic: string,
  partitions: number,
  o: RunOptions,
  hooks: RunHooks = {},
): Promise<ClientResult> {
  const total = o.warmup + o.messages;
  const payload = randomBytes(o.size);
  const fullBatch: Buffer[] = new Array(o.batch).fill(payload);
  const hist = newHistogram();
  const ctl = new RunControl(hooks.signal);
  const t = newTally(total);
  const w = { next: 0, batchNo: 0, startUs: undefined as number | undefined };
  watchAcks(ctl, o, hooks, t, () => ({
    client: driver.name,
    phase: t.acked < o.warmup ? 'warm-up' : 'measuring',
  }));

  const worker = async (): Promise<void> => {
    while (!ctl.stopped && w.next < total) {
      const first = w.next;
      const n = Math.min(o.batch, total - w.next);
      w.next += n;
      const partition = w.batchNo++ % partitions;
      const t0 = nowUs();
      if (w.startUs === undefined && first >= o.warmup) w.startUs = t0;
      t.sent += n;
      t.inflight++;
      try {
        await driver.send(topic, partition, n === o.batch ? fullBatch : fullBatch.slice(0, n));
      } catch (e) {
        t.failed += n;
        ctl.fail(sendFailed(topic, partition, t.acked, e));
        return;
      } finally {
        t.inflight--;
      }
      const t1 = nowUs();
      t.acked += n;
      t.lastProgressUs = t1;
      const counted = Math.min(n, first + n - o.warmup);
      if (counted > 0) {
        recordUs(hist, t1 - t0, counted);
        t.measured += counted;
        t.lastAckUs = t1;
        w.startUs ??= t0;
      }
    }
  };
  t.lastProgressUs = nowUs();
  await ctl.settle(Promise.all(Array.from({ length: o.inFlight }, worker)), INTERRUPT_GRACE_MS);
  ctl.dispose();
  return closedResult(driver, topic, partitions, o, { ctl, t, hist, startUs: w.startUs });
}

function closedResult(
  driver: ProducerDriver,
  topic: string,
  partitions: number,
  o: RunOptions,
  r: { ctl: RunControl; t: Tally; hist: Histogram; startUs: number | undefined },
): ClientResult {
  const { t } = r;
  const elapsedS = r.startUs !== undefined && t.lastAckUs > r.startUs ? (t.lastAckUs - r.startUs) / 1e6 : 0;
  const msgPerSec = elapsedS > 0 ? t.measured / elapsedS : 0;
  return {
    client: driver.name,
    mode: 'throughput',
    ...r.ctl.partial(),
    topic,
    partitions,
    counts: { sent: t.sent, acked: t.acked, failed: t.failed, warmup: Math.min(o.warmup, t.acked), measured: t.measured },
    elapsedS,
    msgPerSec,
    mbPerSec: mbPerSec(msgPerSec, o.size),
    latency: { send: series(r.hist) },
    notes: [
      driver.batchingNote,
      `warm-up: first ${o.warmup.toLocaleString('en-US')} messages excluded from rate and latency`,
      'latency per message = ack − actual send() of its batch (closed loop, like kafka-producer-perf-test)',
    ],
  };
}
