// Open loop (latency): messages are due on a fixed-rate schedule whatever the broker does;
// latency is taken from each message's intended send time, and the consumer measures
// produce→consume from the intended time carried in the message.
import { randomBytes, randomInt } from 'node:crypto';
import { nowUs } from './clock.ts';
import { RunControl, Waker } from './control.ts';
import { newHistogram, recordUs, type Histogram } from './histogram.ts';
import { newTally, sendFailed, series, watchAcks, type RunHooks, type RunOptions, type Tally } from './loop.ts';
import { decodeMessage, encodeMessage, HEADER_BYTES } from './message.ts';
import { RateSchedule } from './schedule.ts';
import { mbPerSec, type ClientResult, type SeriesName } from './result.ts';
import type { ConsumerDriver, ProducerDriver } from './clients/types.ts';

type Series = Record<SeriesName, Histogram>;

/** Consumer side: every message of this run (by tag) is counted once; duplicates are counted apart. */
function receiver(total: number, tag: number, warmup: number, h: Series, ackedAtUs: Float64Array) {
  const seen = new Uint8Array(total);
  const rx = {
    consumed: 0,
    duplicates: 0,
    lastConsumedUs: nowUs(),
    onMessage: (value: Buffer): void => {
      const t = nowUs();
      const m = decodeMessage(value);
      if (!m || m.tag !== tag || m.seq >= total) return;
      if (seen[m.seq]) {
        rx.duplicates++;
        return;
      }
      seen[m.seq] = 1;
      rx.consumed++;
      rx.lastConsumedUs = t;
      if (m.seq >= warmup) {
        recordUs(h.e2e, t - m.intendedUs);
        const ackUs = ackedAtUs[m.seq]!;
        recordUs(h.deliver, ackUs > 0 ? Math.max(0, t - ackUs) : 0);
      }
    },
  };
  return rx;
}

interface SenderDeps {
  driver: ProducerDriver;
  topic: string;
  partitions: number;
  o: RunOptions;
  tag: number;
  schedule: RateSchedule;
  h: Series;
  /** Ack time per message (0: not acked yet), for the deliver series of the breakdown. */
  ackedAtUs: Float64Array;
  t: Tally;
  ctl: RunControl;
  waker: Waker;
}

/** Sends messages first..first+n-1 as one batch without waiting; the ack records their latencies. */
function batchSender(d: SenderDeps) {
  const { o, t, h, schedule } = d;
  const padding = randomBytes(Math.max(0, o.size - HEADER_BYTES));
  const outstanding = new Set<Promise<void>>();
  let batchNo = 0;
  const onAck = (first: number, n: number, sendUs: number) => {
    const now = nowUs();
    t.acked += n;
    t.lastProgressUs = now;
    for (let j = 0; j < n; j++) {
      const seq = first + j;
      d.ackedAtUs[seq] = now;
      if (seq < o.warmup) continue;
      recordUs(h.intended, now - schedule.intendedUs(seq));
      recordUs(h.send, now - sendUs);
      recordUs(h.schedule, sendUs - schedule.intendedUs(seq));
      t.measured++;
      t.lastAckUs = now;
    }
  };
  const send = (first: number, n: number): void => {
    const partition = batchNo++ % d.partitions;
    const values: Buffer[] = new Array(n);
    for (let j = 0; j < n; j++) {
      const buf = Buffer.allocUnsafe(Math.max(o.size, HEADER_BYTES));
      padding.copy(buf, HEADER_BYTES);
      values[j] = encodeMessage(buf, schedule.intendedUs(first + j), first + j, d.tag);
    }
    const sendUs = nowUs();
    t.sent += n;
    t.inflight++;
    const p = d.driver.send(d.topic, partition, values).then(
      () => onAck(first, n, sendUs),
      (e: unknown) => {
        t.failed += n;
        d.ctl.fail(sendFailed(d.topic, partition, t.acked, e));
      },
    );
    const tracked = p.finally(() => {
      t.inflight--;
      outstanding.delete(tracked);
      d.waker.wake();
    });
    outstanding.add(tracked);
  };
  return { send, outstanding };
}

export async function openLoop(
  driver: ProducerDriver,
  consumer: ConsumerDriver | undefined,
  topic: string,
  partitions: number,
  o: RunOptions,
  hooks: RunHooks = {},
): Promise<ClientResult> {
  const total = o.warmup + Math.ceil(o.rate * o.durationS);
  const tag = randomInt(1, 2 ** 32 - 1);
  const h: Series = {
    send: newHistogram(),
    intended: newHistogram(),
    e2e: newHistogram(),
    schedule: newHistogram(),
    deliver: newHistogram(),
  };
  const ackedAtUs = new Float64Array(total);
  const ctl = new RunControl(hooks.signal);
  const waker = new Waker();
  const t = newTally(total);
  const rx = receiver(total, tag, o.warmup, h, ackedAtUs);
  let next = 0;
  watchAcks(ctl, o, hooks, t, () => ({
    client: driver.name,
    phase: next >= total && t.inflight === 0 ? 'draining' : t.acked < o.warmup ? 'warm-up' : 'measuring',
    ...(consumer ? { consumed: rx.consumed } : {}),
  }));
  if (consumer) {
    try {
      await consumer.start(topic, rx.onMessage);
    } catch (e) {
      ctl.fail(new Error(`consumer could not start on ${topic}: ${(e as Error).message}`));
    }
  }
  const schedule = new RateSchedule(o.rate, nowUs() + 1000, total);
  const sender = batchSender({ driver, topic, partitions, o, tag, schedule, h, ackedAtUs, t, ctl, waker });
  const stopWake = ctl.whenStopped.then(() => waker.wake());
  while (!ctl.stopped && next < total) {
    const now = nowUs();
    const due = schedule.dueBy(now);
    if (due > next && t.inflight < o.inFlight) {
      const n = Math.min(due - next, o.batch);
      sender.send(next, n);
      next += n;
      continue;
    }
    // Behind and at the in-flight limit: wait for an ack. Otherwise sleep until the next is due.
    await waker.sleep(due > next ? 1000 : schedule.waitUs(next, now) / 1000);
  }
  await ctl.settle(Promise.all([...sender.outstanding]), 3000);
  if (consumer && !ctl.stopped) {
    // Drain: every acked message must arrive; a consumer that stops receiving fails the run.
    rx.lastConsumedUs = nowUs();
    ctl.watchdog(
      () => !ctl.stopped && next >= total && t.inflight === 0,
      () => rx.lastConsumedUs,
      o.stallTimeoutMs,
      () =>
        `consumer received ${rx.consumed} of ${t.acked} acknowledged messages and nothing for ${o.stallTimeoutMs / 1000} s`,
    );
    while (!ctl.stopped && rx.consumed < t.acked) await waker.sleep(20);
  }
  ctl.dispose();
  void stopWake;
  if (consumer) await consumer.close().catch(() => undefined);
  return openResult(driver, topic, partitions, o, { ctl, t, h, schedule, rx: consumer ? rx : undefined });
}

function openResult(
  driver: ProducerDriver,
  topic: string,
  partitions: number,
  o: RunOptions,
  r: { ctl: RunControl; t: Tally; h: Series; schedule: RateSchedule; rx?: { consumed: number; duplicates: number } },
): ClientResult {
  const { t, h, rx } = r;
  const firstIntended = r.schedule.intendedUs(Math.min(o.warmup, t.total - 1));
  const elapsedS = t.lastAckUs > firstIntended ? (t.lastAckUs - firstIntended) / 1e6 : 0;
  const msgPerSec = elapsedS > 0 ? t.measured / elapsedS : 0;
  const latency: ClientResult['latency'] = {
    intended: series(h.intended),
    send: series(h.send),
    schedule: series(h.schedule),
    ...(rx ? { e2e: series(h.e2e), deliver: series(h.deliver) } : {}),
  };
  return {
    client: driver.name,
    mode: 'latency',
    ...r.ctl.partial(),
    topic,
    partitions,
    counts: {
      sent: t.sent,
      acked: t.acked,
      failed: t.failed,
      ...(rx ? { consumed: rx.consumed, duplicates: rx.duplicates } : {}),
      warmup: Math.min(o.warmup, t.acked),
      measured: t.measured,
    },
    elapsedS,
    msgPerSec,
    mbPerSec: mbPerSec(msgPerSec, o.size),
    latency,
    notes: [
      driver.batchingNote,
      `open loop at ${o.rate.toLocaleString('en-US')} msg/s: each message has an intended send time; whatever is due is sent as one batch (≤ ${o.batch})`,
      `warm-up: first ${o.warmup.toLocaleString('en-US')} messages (${(o.warmup / o.rate).toFixed(1)} s) excluded`,
      ...(rx
        ? ['end-to-end latency: consumer receive time − intended send time carried in the message (same host clock)']
        : []),
    ],
  };
}
