// The result of one client's run, as printed, written to JSON and plotted.
import type { ClientName, Mode } from './args.ts';
import type { LatencySummary } from './histogram.ts';

/**
 * send: ack − actual send() call (what kafka-producer-perf-test reports; not corrected for
 *       coordinated omission).
 * intended: ack − intended send time from the rate schedule (open loop; corrected).
 * e2e: consume − intended send time, from the timestamp carried in the message (open loop).
 * schedule, deliver: the breakdown of e2e (open loop): actual send() − intended send time (the
 *       schedule's timer granularity and event-loop delay), and consume − the producer's ack
 *       of the same message (broker fetch path and consumer delivery; a message consumed before
 *       its ack was processed counts as 0). e2e ≈ schedule + send + deliver.
 */
export type SeriesName = 'send' | 'intended' | 'e2e' | 'schedule' | 'deliver';

/** Every series in print order. */
export const SERIES_NAMES: readonly SeriesName[] = ['send', 'intended', 'e2e', 'schedule', 'deliver'];

export const SERIES_LABEL: Record<SeriesName, string> = {
  send: 'produce latency from actual send (uncorrected)',
  intended: 'produce latency from intended send time (CO-corrected)',
  e2e: 'end-to-end produce→consume from intended send time',
  schedule: 'e2e breakdown: actual send − intended send time',
  deliver: 'e2e breakdown: consume − ack of the same message',
};

export interface SeriesResult {
  summary: LatencySummary;
  /** Compressed base64 HdrHistogram (absent for perf-test, which prints only a few percentiles). */
  hdr?: string;
  /** .hgrm percentile distribution text, ms. */
  distribution?: string;
  /** [percentile, ms] for the SVG plot. */
  points: Array<[number, number]>;
}

export interface Counts {
  /** Handed to the client (warm-up included). */
  sent: number;
  acked: number;
  failed: number;
  /** Distinct messages of this run the consumer received (e2e only). */
  consumed?: number;
  duplicates?: number;
  /** Warm-up messages excluded from the latency figures and the rate. */
  warmup: number;
  /** Acknowledged messages after warm-up: what msg/s and the histograms count. */
  measured: number;
}

export interface ClientResult {
  client: ClientName;
  mode: Mode;
  status: 'complete' | 'partial';
  /** Why the run is partial: `interrupted (Ctrl-C)` or the error. */
  partialReason?: string;
  /** Error message when the run failed (broker gone, send rejected, consumer lost messages). */
  error?: string;
  topic: string;
  partitions: number;
  counts: Counts;
  /** Measured window (after warm-up), seconds. */
  elapsedS: number;
  msgPerSec: number;
  /** MB = 2^20 bytes, as kafka-producer-perf-test counts. */
  mbPerSec: number;
  latency: Partial<Record<SeriesName, SeriesResult>>;
  notes: string[];
}

export interface BenchRun {
  kind: 'kafka-bench';
  version: 1;
  startedAt: string;
  finishedAt: string;
  /** Parameters of the run, same for every client. */
  params: Record<string, unknown>;
  environment: Record<string, unknown>;
  results: ClientResult[];
  status: 'complete' | 'partial';
}

export const mbPerSec = (msgPerSec: number, size: number): number => (msgPerSec * size) / (1024 * 1024);
