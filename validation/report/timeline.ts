// The run timeline as a self-contained SVG: one bar per node from its start to its end, coloured
// by outcome, critical-path nodes outlined. Drawn from run records only; nothing typed by hand.
import type { NodeRecord, RunRecord } from '../../tasks/engine/state.ts';

const COLOURS: Record<string, string> = {
  done: '#2e7d32',
  'up-to-date': '#81c784',
  failed: '#c62828',
  skipped: '#9e9e9e',
  'not-applicable': '#bdbdbd',
  interrupted: '#ef6c00',
};

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (ms: number) => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`);

export interface Panel {
  title: string;
  run: RunRecord;
}

export function renderTimelineSvg(panels: readonly Panel[]): string {
  const width = 900;
  const labelW = 190;
  const rowH = 18;
  const chartW = width - labelW - 90;
  const parts: string[] = [];
  let y = 10;
  for (const { title, run } of panels) {
    const total = Math.max(1, run.endedAt - run.startedAt);
    const onPath = new Set(run.criticalPath.ids);
    parts.push(
      `<text x="4" y="${y + 14}" font-weight="bold">${esc(title)}: ${esc(run.command)} on ${esc(run.target)}, ${fmt(total)} wall, concurrency ${run.concurrency}; critical path ${esc(run.criticalPath.ids.join(' → ') || '-')} (${fmt(run.criticalPath.ms)})</text>`,
    );
    y += 24;
    for (const n of run.nodes) {
      parts.push(bar(n, y, total, run.startedAt, labelW, chartW, onPath.has(n.id)));
      y += rowH;
    }
    // Time axis: quarters of the run.
    for (let q = 0; q <= 4; q++) {
      const x = labelW + (chartW * q) / 4;
      parts.push(
        `<line x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}" stroke="#555"/><text x="${x}" y="${y + 16}" text-anchor="middle" font-size="10">${fmt((total * q) / 4)}</text>`,
      );
    }
    y += 30;
  }
  const legend = Object.entries(COLOURS)
    .map(
      ([s, c], i) =>
        `<rect x="${4 + i * 140}" y="${y}" width="12" height="12" fill="${c}"/><text x="${20 + i * 140}" y="${y + 11}" font-size="11">${s}</text>`,
    )
    .join('');
  y += 20;
  parts.push(
    legend,
    `<text x="4" y="${y + 10}" font-size="11">black outline: on the critical path (the longest chain of needs by measured duration)</text>`,
  );
  y += 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function bar(
  n: NodeRecord,
  y: number,
  total: number,
  t0: number,
  labelW: number,
  chartW: number,
  critical: boolean,
): string {
  const label = `<text x="4" y="${y + 13}">${esc(`${n.id} ${n.name}`)}</text>`;
  const colour = COLOURS[n.state] ?? '#000';
  const title = `<title>${esc(`${n.id} ${n.state}${n.reason ? `: ${n.reason}` : ''}`)}</title>`;
  if (n.startedAt === undefined || n.endedAt === undefined) {
    return `${label}<text x="${labelW}" y="${y + 13}" fill="${colour}" font-size="11">${esc(n.state)}${title}</text>`;
  }
  const x = labelW + (chartW * (n.startedAt - t0)) / total;
  const w = Math.max(2, (chartW * (n.endedAt - n.startedAt)) / total);
  const stroke = critical ? ' stroke="black" stroke-width="2"' : '';
  return `${label}<rect x="${x.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${14}" fill="${colour}"${stroke}>${title}</rect><text x="${(x + w + 4).toFixed(1)}" y="${y + 13}" font-size="10">${esc(`${n.state} ${fmt(n.endedAt - n.startedAt)}`)}</text>`;
}
