// Latency recording in HdrHistogram (hdr-histogram-js), microseconds, 3 significant digits.
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** The percentiles every summary shows, in order. */
export const SUMMARY_PERCENTILES = [50, 90, 95, 99, 99.9] as const;

export interface LatencySummary {
  count: number;
  /** Milliseconds. */
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export function newHistogram(): Histogram {
  // 1 µs … 1 h; autoResize keeps a pathological stall from throwing mid-run.
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

/** Records a latency in µs (clamped to ≥ 1 µs: the histogram's lowest discernible value). */
export function recordUs(h: Histogram, us: number, count = 1): void {
  h.recordValueWithCount(Math.max(1, Math.round(us)), count);
}

const ms = (us: number): number => Math.round(us) / 1000;

/**
 * Value at a percentile, capped at the recorded max: HdrHistogram answers with the top of the
 * value's bucket, which can sit a few µs above the largest value actually recorded.
 */
const at = (h: Histogram, p: number): number => Math.min(h.getValueAtPercentile(p), h.maxValue);

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: h.totalCount,
    mean: ms(h.mean),
    p50: ms(at(h, 50)),
    p90: ms(at(h, 90)),
    p95: ms(at(h, 95)),
    p99: ms(at(h, 99)),
    p999: ms(at(h, 99.9)),
    max: ms(h.maxValue),
  };
}

/** Percentile distribution in the classic .hgrm text format, values in milliseconds. */
export function distribution(h: Histogram): string {
  return h.totalCount === 0 ? '' : h.outputPercentileDistribution(5, 1000);
}

/** Compressed base64 HDR encoding (the format HdrHistogram tools read), for the JSON result. */
export function encode(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decode(base64: string): Histogram {
  return hdr.decodeFromCompressedBase64(base64);
}

/**
 * Points for a percentile plot: percentiles spaced evenly on the 1/(1-q) log axis up to
 * 99.99% (as far as the sample count supports), plus 100% (the max). Values in ms.
 */
export function plotPoints(h: Histogram): Array<[number, number]> {
  if (h.totalCount === 0) return [];
  const points: Array<[number, number]> = [];
  const maxNines = Math.min(4, Math.max(1, Math.floor(Math.log10(h.totalCount))));
  for (let k = 0; k <= maxNines * 10; k++) {
    const p = 100 * (1 - Math.pow(10, -k / 10));
    points.push([p, ms(at(h, p))]);
  }
  points.push([100, ms(h.maxValue)]);
  return points;
}

/**
 * A histogram corrected for coordinated omission after the fact (HdrHistogram's method): for
 * closed-loop or perf-test style latencies where the intended times are unknown, a value longer
 * than the expected interval implies the samples that were never sent while it stalled.
 */
export function correctedCopy(h: Histogram, expectedIntervalUs: number): Histogram {
  return h.copyCorrectedForCoordinatedOmission(Math.max(1, Math.round(expectedIntervalUs)));
}
