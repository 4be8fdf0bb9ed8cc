// What both measurement loops share: the options they read, the running counts, the stall
// watchdog and progress ticker over those counts, and a histogram as a result series.
import type { BenchOptions, ClientName } from './args.ts';
import { nowUs } from './clock.ts';
import type { RunControl } from './control.ts';
import { distribution, encode, plotPoints, summarize, type Histogram } from './histogram.ts';
import type { SeriesResult } from './result.ts';

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

export type RunOptions = Pick<
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

/** One client's run on its fresh topic: what every client runner takes. */
export interface ClientRun<O = BenchOptions> {
  topic: string;
  partitions: number;
  o: O;
  hooks: RunHooks;
}

/** Ctrl-C lets the sends in flight finish for this long, so the printed counts are true. */
export const INTERRUPT_GRACE_MS = 3000;

/** The producer side's running counts (warm-up included unless named `measured`). */
export interface Tally {
  total: number;
  sent: number;
  acked: number;
  failed: number;
  measured: number;
  inflight: number;
  lastAckUs: number;
  lastProgressUs: number;
}

export const newTally = (total: number): Tally => ({
  total,
  sent: 0,
  acked: 0,
  failed: 0,
  measured: 0,
  inflight: 0,
  lastAckUs: 0,
  lastProgressUs: nowUs(),
});

export function series(h: Histogram): SeriesResult {
  return { summary: summarize(h), hdr: encode(h), distribution: distribution(h), points: plotPoints(h) };
}

export function stallMessage(o: RunOptions, what: string): string {
  return `no ${what} from Kafka at ${o.bootstrap} for ${o.stallTimeoutMs / 1000} s (broker down or stalled?): results so far are partial`;
}

export function progressTicker(
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

/**
 * Fails the run when sends are in flight and no ack came for the stall timeout, and reports
 * progress from the tally (`extra`: the phase, and the consumer's count where there is one).
 */
export function watchAcks(
  ctl: RunControl,
  o: RunOptions,
  hooks: RunHooks,
  t: Tally,
  extra: () => Pick<Progress, 'client' | 'phase' | 'consumed'>,
): void {
  ctl.watchdog(
    () => t.inflight > 0,
    () => t.lastProgressUs,
    o.stallTimeoutMs,
    () => stallMessage(o, 'acknowledgement'),
  );
  progressTicker(ctl, o, hooks, () => ({ ...extra(), sent: t.sent, acked: t.acked, total: t.total }));
}

export const sendFailed = (topic: string, partition: number, acked: number, e: unknown): Error =>
  new Error(`send to ${topic}[${partition}] failed after ${acked} acks: ${(e as Error).message}`);
