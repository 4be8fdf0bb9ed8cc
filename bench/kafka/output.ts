// What a person reads: one summary block per client, a side-by-side table with ratios, and
// the files written under bench/results/ (JSON, .hgrm distributions, SVG percentile plot).
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ClientName } from './args.ts';
import type { LatencySummary } from './histogram.ts';
import { SERIES_LABEL, SERIES_NAMES, type BenchRun, type ClientResult, type SeriesName } from './result.ts';
import { percentilePlotSvg, type PlotSeries } from './svg.ts';

export const CLIENT_LABEL: Record<ClientName, string> = {
  kafkajs: 'kafkajs',
  'perf-test': 'kafka-producer-perf-test',
  platformatic: '@platformatic/kafka',
  'e2e-latency': 'kafka EndToEndLatency (JVM)',
};

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) =>
  Number.isNaN(n) ? '—' : n < 10 ? n.toFixed(3) : n < 100 ? n.toFixed(2) : n.toFixed(1);

export function latencyLine(s: LatencySummary): string {
  return `p50 ${fmtMs(s.p50)}  p90 ${fmtMs(s.p90)}  p95 ${fmtMs(s.p95)}  p99 ${fmtMs(s.p99)}  p99.9 ${fmtMs(s.p999)}  max ${fmtMs(s.max)} ms`;
}

export function summaryLines(r: ClientResult): string[] {
  const head = `${CLIENT_LABEL[r.client]} · ${r.mode} · topic ${r.topic} (${r.partitions} partitions)${r.status === 'partial' ? ` · PARTIAL: ${r.partialReason}` : ''}`;
  const c = r.counts;
  const lines = [
    head,
    `  messages   sent ${int(c.sent)}  acked ${int(c.acked)}  failed ${int(c.failed)}${c.consumed !== undefined ? `  consumed ${int(c.consumed)}  duplicates ${int(c.duplicates ?? 0)}` : ''}`,
    `  measured   ${int(c.measured)} messages after ${int(c.warmup)} warm-up, ${r.elapsedS.toFixed(2)} s`,
    `  rate       ${int(r.msgPerSec)} msg/s  ${r.mbPerSec.toFixed(2)} MB/s`,
  ];
  for (const name of SERIES_NAMES) {
    const s = r.latency[name];
    if (s)
      lines.push(
        `  ${name.padEnd(9)}  ${latencyLine(s.summary)}  (${SERIES_LABEL[name]}, n=${int(s.summary.count)})`,
      );
  }
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines;
}

/** Side-by-side table; ratios relative to kafka-producer-perf-test when it ran, else the first client. */
export function comparisonLines(results: ClientResult[]): string[] {
  if (results.length < 2) return [];
  const base = results.find((r) => r.client === 'perf-test' && r.msgPerSec > 0) ?? results[0]!;
  const series: SeriesName = results[0]!.mode === 'latency' ? 'e2e' : 'send';
  const rows = [
    [
      'client',
      'msg/s',
      'MB/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      `msg/s vs ${CLIENT_LABEL[base.client]}`,
      'status',
    ],
    ...results.map((r) => {
      const s = (r.latency[series] ?? r.latency.send)?.summary;
      return [
        CLIENT_LABEL[r.client],
        int(r.msgPerSec),
        r.mbPerSec.toFixed(2),
        s ? fmtMs(s.p50) : '—',
        s ? fmtMs(s.p95) : '—',
        s ? fmtMs(s.p99) : '—',
        base.msgPerSec > 0 ? `${(r.msgPerSec / base.msgPerSec).toFixed(2)}×` : '—',
        r.status,
      ];
    }),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [
    `side by side (same broker, same parameters; latency = ${series === 'e2e' ? 'end-to-end from intended send time' : 'ack − actual send'}):`,
    fmt(rows[0]!),
    ...rows.slice(1).map(fmt),
  ];
}

export function plotSeries(run: BenchRun): PlotSeries[] {
  const out: PlotSeries[] = [];
  for (const r of run.results) {
    for (const name of ['send', 'intended', 'e2e'] as SeriesName[]) {
      const s = r.latency[name];
      if (s && s.points.length > 0)
        out.push({
          label: `${CLIENT_LABEL[r.client]}: ${name}${r.status === 'partial' ? ' (partial)' : ''}`,
          points: s.points,
        });
    }
  }
  return out;
}

export interface WrittenFiles {
  json: string;
  svg: string;
  hgrm: string[];
}

/** Writes `<stem>.json`, `<stem>.svg` and one `<stem>.<client>.<series>.hgrm` per histogram. */
export async function writeResults(run: BenchRun, outDir: string): Promise<WrittenFiles> {
  await fsp.mkdir(outDir, { recursive: true });
  const stem = `kafka-${run.params.mode as string}-${run.startedAt.replace(/[:.]/g, '-')}`;
  const json = path.join(outDir, `${stem}.json`);
  const svg = path.join(outDir, `${stem}.svg`);
  const hgrm: string[] = [];
  for (const r of run.results) {
    for (const [name, s] of Object.entries(r.latency)) {
      if (!s?.distribution) continue;
      const file = path.join(outDir, `${stem}.${r.client}.${name}.hgrm`);
      await fsp.writeFile(file, s.distribution);
      hgrm.push(file);
    }
  }
  const p = run.params;
  const subtitle = `${p.mode} · ${p.size} B messages · ${p.partitions} partitions · acks=${p.acks} · ${p.mode === 'latency' ? `${p.rate} msg/s` : `${p.messages} messages`}${run.status === 'partial' ? ' · PARTIAL' : ''}`;
  await fsp.writeFile(
    svg,
    percentilePlotSvg('Kafka latency by percentile (REQ-0.2)', plotSeries(run), subtitle),
  );
  await fsp.writeFile(json, JSON.stringify(run, null, 2) + '\n');
  return { json, svg, hgrm };
}
