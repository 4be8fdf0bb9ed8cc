// The two measurement loops. Closed loop (throughput): keep `inFlight` batches outstanding
// until N messages are acked; latency of each send from its actual send() call. Open loop
// (latency): messages are due on a fixed-rate schedule whatever the broker does; latency is
// taken from each message's intended send time, and the consumer measures produce→consume
// from the intended time carried in the message.
import { randomBytes, randomInt } from 'node:crypto';
import type { BenchOptions, ClientName } from './args.ts';
import { nowUs } from './clock.ts';
import { RunControl, Waker } from './control.ts';
import {
  newHistogram,
  recordUs,
  summarize,
  distribution,
  encode,
  plotPoints,
  type Histogram,
} from './histogram.ts';
import { RateSchedule } from './schedule.ts';
import { mbPerSec, type ClientResult, type SeriesName, type SeriesResult } from './result.ts';
import type { ConsumerDriver, ProducerDriver } from './clients/types.ts';

export interface Progress {
  client: ClientName;
  phase: 'warm-up' | 'measuring' | 'draining';
  sent: number;
  acked: number;
  total: number;
  consumed?: number;
  /** Acks per second over the last interval. */
  rate: number;
}

export interface RunHooks {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

type RunOptions = Pick<
  BenchOptions,
  | 'messages'
  | 'size'
  | 'batch'
  | 'inFlight'
  | 'rate'
  | 'durationS'
  | 'warmup'
  | 'stallTimeoutMs'
  | 'progressMs'
  | 'bootstrap'
>;

/** Ctrl-C lets the sends in flight finish for this long, so the printed counts are true. */
const INTERRUPT_GRACE_MS = 3000;

function series(h: Histogram): SeriesResult {
  return { summary: summarize(h), hdr: encode(h), distribution: distribution(h), points: plotPoints(h) };
}

function stallMessage(o: RunOptions, what: string): string {
  return `no ${what} from Kafka at ${o.bootstrap} for ${o.stallTimeoutMs / 1000} s (broker down or stalled?): results so far are partial`;
}

function progressTicker(
  ctl: RunControl,
  o: RunOptions,
  hooks: RunHooks,
  read: () => Omit<Progress, 'rate'>,
): void {
  if (!hooks.onProgress || o.progressMs <= 0) return;
  let lastAcked = 0;
  let lastUs = nowUs();
  ctl.every(o.progressMs, () => {
    const p = read();
    const t = nowUs();
    const rate = ((p.acked - lastAcked) * 1e6) / Math.max(1, t - lastUs);
    lastAcked = p.acked;
    lastUs = t;
    hooks.onProgress?.({ ...p, rate });
  });
}

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
  let next = 0;
  let batchNo = 0;
  let sent = 0;
  let acked = 0;
  let failed = 0;
  let measured = 0;
  let inflight = 0;
  let startUs: number | undefined;
  let lastAckUs = 0;
  let lastProgressUs = nowUs();

  ctl.watchdog(
    () => inflight > 0,
    () => lastProgressUs,
    o.stallTimeoutMs,
    () => stallMessage(o, 'acknowledgement'),
  );
  progressTicker(ctl, o, hooks, () => ({
    client: driver.name,
    phase: acked < o.warmup ? 'warm-up' : 'measuring',
    sent,
    acked,
    total,
  }));

  const worker = async (): Promise<void> => {
    while (!ctl.stopped && next < total) {
      const first = next;
      const n = Math.min(o.batch, total - next);
      next += n;
      const partition = batchNo++ % partitions;
      const t0 = nowUs();
      if (startUs === undefined && first >= o.warmup) startUs = t0;
      sent += n;
      inflight++;
      try {
        await driver.send(topic, partition, n === o.batch ? fullBatch : fullBatch.slice(0, n));
      } catch (e) {
        failed += n;
        ctl.fail(
          new Error(`send to ${topic}[${partition}] failed after ${acked} acks: ${(e as Error).message}`),
        );
        return;
      } finally {
        inflight--;
      }
      const t1 = nowUs();
      acked += n;
      lastProgressUs = t1;
      const counted = Math.min(n, first + n - o.warmup);
      if (counted > 0) {
        recordUs(hist, t1 - t0, counted);
        measured += counted;
        lastAckUs = t1;
        startUs ??= t0;
      }
    }
  };
  lastProgressUs = nowUs();
  await ctl.settle(Promise.all(Array.from({ length: o.inFlight }, worker)), INTERRUPT_GRACE_MS);
  ctl.dispose();
  const elapsedS = startUs !== undefined && lastAckUs > startUs ? (lastAckUs - startUs) / 1e6 : 0;
  const msgPerSec = elapsedS > 0 ? measured / elapsedS : 0;
  return {
    client: driver.name,
    mode: 'throughput',
    ...ctl.partial(),
    topic,
    partitions,
    counts: { sent, acked, failed, warmup: Math.min(o.warmup, acked), measured },
    elapsedS,
    msgPerSec,
    mbPerSec: mbPerSec(msgPerSec, o.size),
    latency: { send: series(hist) },
    notes: [
      driver.batchingNote,
      `warm-up: first ${o.warmup.toLocaleString('en-US')} messages excluded from rate and latency`,
      'latency per message = ack − actual send() of its batch (closed loop, like kafka-producer-perf-test)',
    ],
  };
}

/** Message layout in latency mode: intended send time, sequence number and a run tag, then padding. */
export const HEADER_BYTES = 16;

export function encodeMessage(buf: Buffer, intendedUs: number, seq: number, tag: number): Buffer {
  buf.writeDoubleLE(intendedUs, 0);
  buf.writeUInt32LE(seq, 8);
  buf.writeUInt32LE(tag, 12);
  return buf;
}

export function decodeMessage(buf: Buffer): { intendedUs: number; seq: number; tag: number } | undefined {
  if (buf.length < HEADER_BYTES) return undefined;
  return { intendedUs: buf.readDoubleLE(0), seq: buf.readUInt32LE(8), tag: buf.readUInt32LE(12) };
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
  const padding = randomBytes(Math.max(0, o.size - HEADER_BYTES));
  const h: Record<SeriesName, Histogram> = {
    send: newHistogram(),
    intended: newHistogram(),
    e2e: newHistogram(),
    schedule: newHistogram(),
    deliver: newHistogram(),
  };
  // Ack time per message (0: not acked yet), for the deliver series of the breakdown.
  const ackedAtUs = new Float64Array(total);
  const ctl = new RunControl(hooks.signal);
  const waker = new Waker();
  let next = 0;
  let batchNo = 0;
  let sent = 0;
  let acked = 0;
  let failed = 0;
  let measured = 0;
  let inflight = 0;
  let lastAckUs = 0;
  let lastProgressUs = nowUs();
  const outstanding = new Set<Promise<void>>();

  // Consumer side: every message of this run (by tag) is counted once; duplicates are counted apart.
  const seen = new Uint8Array(total);
  let consumed = 0;
  let duplicates = 0;
  let lastConsumedUs = nowUs();
  const onMessage = (value: Buffer): void => {
    const t = nowUs();
    const m = decodeMessage(value);
    if (!m || m.tag !== tag || m.seq >= total) return;
    if (seen[m.seq]) {
      duplicates++;
      return;
    }
    seen[m.seq] = 1;
    consumed++;
    lastConsumedUs = t;
    if (m.seq >= o.warmup) {
      recordUs(h.e2e, t - m.intendedUs);
      const ackUs = ackedAtUs[m.seq]!;
      recordUs(h.deliver, ackUs > 0 ? Math.max(0, t - ackUs) : 0);
    }
  };

  const draining = () => consumer !== undefined && !ctl.stopped && next >= total && inflight === 0;
  ctl.watchdog(
    () => inflight > 0,
    () => lastProgressUs,
    o.stallTimeoutMs,
    () => stallMessage(o, 'acknowledgement'),
  );
  progressTicker(ctl, o, hooks, () => ({
    client: driver.name,
    phase: next >= total && inflight === 0 ? 'draining' : acked < o.warmup ? 'warm-up' : 'measuring',
    sent,
    acked,
    total,
    ...(consumer ? { consumed } : {}),
  }));

  if (consumer) {
    try {
      await consumer.start(topic, onMessage);
    } catch (e) {
      ctl.fail(new Error(`consumer could not start on ${topic}: ${(e as Error).message}`));
    }
  }

  const schedule = new RateSchedule(o.rate, nowUs() + 1000, total);
  const sendBatch = (first: number, n: number): void => {
    const partition = batchNo++ % partitions;
    const values: Buffer[] = new Array(n);
    for (let j = 0; j < n; j++) {
      const buf = Buffer.allocUnsafe(Math.max(o.size, HEADER_BYTES));
      padding.copy(buf, HEADER_BYTES);
      values[j] = encodeMessage(buf, schedule.intendedUs(first + j), first + j, tag);
    }
    const sendUs = nowUs();
    sent += n;
    inflight++;
    const p = driver.send(topic, partition, values).then(
      () => {
        const t = nowUs();
        acked += n;
        lastProgressUs = t;
        for (let j = 0; j < n; j++) {
          const seq = first + j;
          ackedAtUs[seq] = t;
          if (seq < o.warmup) continue;
          recordUs(h.intended, t - schedule.intendedUs(seq));
          recordUs(h.send, t - sendUs);
          recordUs(h.schedule, sendUs - schedule.intendedUs(seq));
          measured++;
          lastAckUs = t;
        }
      },
      (e: unknown) => {
        failed += n;
        ctl.fail(
          new Error(`send to ${topic}[${partition}] failed after ${acked} acks: ${(e as Error).message}`),
        );
      },
    );
    const tracked = p.finally(() => {
      inflight--;
      outstanding.delete(tracked);
      waker.wake();
    });
    outstanding.add(tracked);
  };

  const stopWake = ctl.whenStopped.then(() => waker.wake());
  while (!ctl.stopped && next < total) {
    const now = nowUs();
    const due = schedule.dueBy(now);
    if (due > next && inflight < o.inFlight) {
      const n = Math.min(due - next, o.batch);
      sendBatch(next, n);
      next += n;
      continue;
    }
    // Behind and at the in-flight limit: wait for an ack. Otherwise sleep until the next is due.
    await waker.sleep(due > next ? 1000 : schedule.waitUs(next, now) / 1000);
  }
  await ctl.settle(Promise.all([...outstanding]), 3000);

  if (consumer && !ctl.stopped) {
    // Drain: every acked message must arrive; a consumer that stops receiving fails the run.
    lastConsumedUs = nowUs();
    ctl.watchdog(
      draining,
      () => lastConsumedUs,
      o.stallTimeoutMs,
      () =>
        `consumer received ${consumed} of ${acked} acknowledged messages and nothing for ${o.stallTimeoutMs / 1000} s`,
    );
    while (!ctl.stopped && consumed < acked) await waker.sleep(20);
  }
  ctl.dispose();
  void stopWake;
  if (consumer) await consumer.close().catch(() => undefined);

  const firstIntended = schedule.intendedUs(Math.min(o.warmup, total - 1));
  const elapsedS = lastAckUs > firstIntended ? (lastAckUs - firstIntended) / 1e6 : 0;
  const msgPerSec = elapsedS > 0 ? measured / elapsedS : 0;
  const latency: ClientResult['latency'] = {
    intended: series(h.intended),
    send: series(h.send),
    schedule: series(h.schedule),
  };
  if (consumer) {
    latency.e2e = series(h.e2e);
    latency.deliver = series(h.deliver);
  }
  return {
    client: driver.name,
    mode: 'latency',
    ...ctl.partial(),
    topic,
    partitions,
    counts: {
      sent,
      acked,
      failed,
      ...(consumer ? { consumed, duplicates } : {}),
      warmup: Math.min(o.warmup, acked),
      measured,
    },
    elapsedS,
    msgPerSec,
    mbPerSec: mbPerSec(msgPerSec, o.size),
    latency,
    notes: [
      driver.batchingNote,
      `open loop at ${o.rate.toLocaleString('en-US')} msg/s: each message has an intended send time; whatever is due is sent as one batch (≤ ${o.batch})`,
      `warm-up: first ${o.warmup.toLocaleString('en-US')} messages (${(o.warmup / o.rate).toFixed(1)} s) excluded`,
      ...(consumer
        ? [
            'end-to-end latency: consumer receive time − intended send time carried in the message (same host clock)',
          ]
        : []),
    ],
  };
}
