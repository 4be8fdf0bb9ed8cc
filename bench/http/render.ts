// The load run's table: one line per row, then what each row observed and the platform/detached ratio.
import type { RowResult } from './measure.ts';

const ms = (us: number) => (us / 1000).toFixed(us < 10_000 ? 2 : 1);
const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const COLUMNS = ['demo-service', 'otelcol', 'victorialogs', 'jaeger', 'kafka', 'wrk'];

export function renderRows(rows: RowResult[]): string[] {
  const lines = [
    `  ${'row'.padEnd(9)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'201s'.padStart(9)} ${'lost'.padStart(5)}   CPU s / 1,000 requests: ${COLUMNS.join(' / ')}`,
  ];
  for (const r of rows) {
    const cpu = COLUMNS.map((c) => (r.cpuPer1000[c] === undefined ? '-' : r.cpuPer1000[c]!.toFixed(3)));
    lines.push(
      `  ${r.row.padEnd(9)} ${n0(r.reqPerSec).padStart(7)} ${ms(r.run.p50).padStart(7)} ${ms(r.run.p99).padStart(7)} ${n0(r.run.created).padStart(9)} ${String(r.lost).padStart(5)}   ${cpu.join(' / ')}`,
    );
  }
  for (const r of rows) {
    const other = r.run.status503 + r.run.status413 + r.run.otherStatus;
    const sock = r.run.connectErrors + r.run.readErrors + r.run.writeErrors + r.run.timeouts;
    lines.push(
      `  ${r.row}: ${r.observability}; ${n0(r.run.requests)} requests in ${(r.run.durationUs / 1e6).toFixed(1)} s, ${other} not 201, ${sock} socket errors/timeouts; topic gained ${n0(r.gained)} for ${n0(r.created)} answers 201 (warm-up included): ${r.lost === 0 ? 'nothing lost' : `${r.lost} LOST`}; load average ${r.loadStart.map((l) => l.toFixed(2)).join(' ')} → ${r.loadEnd.map((l) => l.toFixed(2)).join(' ')}`,
    );
    if (r.findable) {
      const f = r.findable;
      lines.push(
        `  ${r.row}: ${f.sampled} sampled trace ids: ${f.tracesWhole} whole traces in Jaeger (HTTP, produce, consume), ${f.accessLines} access lines in VictoriaLogs (${f.stepLines} with the debug step lines) (after ${(f.waitedMs / 1000).toFixed(1)} s)${f.missing.length ? `; missing ${f.missing.slice(0, 3).join(', ')}` : ''}`,
      );
    }
  }
  const p = rows.find((r) => r.row === 'platform');
  const d = rows.find((r) => r.row === 'detached');
  if (p && d) {
    const sum = (r: RowResult) =>
      Object.entries(r.cpuPer1000)
        .filter(([k]) => k !== 'wrk' && k !== 'kafka')
        .reduce((s, [, v]) => s + v, 0);
    lines.push(
      `  platform / detached: ${(p.reqPerSec / d.reqPerSec).toFixed(2)}× the req/s; observability cost ${(sum(p) - sum(d)).toFixed(3)} CPU s per 1,000 requests (demo + collector + VictoriaLogs + Jaeger, platform minus detached demo)`,
    );
  }
  return lines;
}
