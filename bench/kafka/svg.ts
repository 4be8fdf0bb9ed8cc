// A percentile plot in plain SVG (HdrHistogram style): x = percentile on a log scale of
// 1/(1−p), so 90%, 99%, 99.9% are evenly spaced; y = latency in ms. No DOM, no dependency:
// the validation report embeds the file as is.
export interface PlotSeries {
  label: string;
  /** [percentile 0..100, ms]. */
  points: Array<[number, number]>;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const W = 760;
const H = 420;
const M = { left: 64, right: 44, top: 40, bottom: 90 };
const MAX_NINES = 5;

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** x position of a percentile: log10(1/(1−p)), capped at MAX_NINES nines (100% sits at the cap). */
export function nines(p: number): number {
  const q = 1 - p / 100;
  return q <= Math.pow(10, -MAX_NINES) ? MAX_NINES : Math.log10(1 / q);
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const mag = Math.pow(10, Math.floor(Math.log10(v)));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * mag >= v) return f * mag;
  return 10 * mag;
}

export function percentilePlotSvg(title: string, series: PlotSeries[], subtitle = ''): string {
  const drawn = series.filter((s) => s.points.length > 0);
  const xMax = Math.max(2, Math.ceil(Math.max(0, ...drawn.flatMap((s) => s.points.map(([p]) => nines(p))))));
  const yMax = niceMax(Math.max(0, ...drawn.flatMap((s) => s.points.map(([, v]) => v))));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (p: number) => M.left + (nines(p) / xMax) * pw;
  const y = (v: number) => M.top + ph - (v / yMax) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  );
  if (subtitle)
    out.push(`<text x="${W / 2}" y="33" text-anchor="middle" fill="#555">${esc(subtitle)}</text>`);
  for (let k = 0; k <= xMax; k++) {
    const px = M.left + (k / xMax) * pw;
    // The last tick is where 100% (the max) is drawn when the data reaches it.
    const label =
      k === 0
        ? '0%'
        : k === MAX_NINES
          ? 'max'
          : `${(100 * (1 - Math.pow(10, -k))).toFixed(Math.max(0, k - 2))}%`;
    out.push(
      `<line x1="${px.toFixed(1)}" y1="${M.top}" x2="${px.toFixed(1)}" y2="${M.top + ph}" stroke="#ddd"/>`,
      `<text x="${px.toFixed(1)}" y="${M.top + ph + 14}" text-anchor="middle">${label}</text>`,
    );
  }
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    out.push(
      `<line x1="${M.left}" y1="${y(v).toFixed(1)}" x2="${M.left + pw}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${M.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number(v.toPrecision(3))}</text>`,
    );
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`,
    `<text x="${M.left + pw / 2}" y="${M.top + ph + 30}" text-anchor="middle">percentile</text>`,
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">latency (ms)</text>`,
  );
  drawn.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.points
      .map(([p, v], j) => `${j === 0 ? 'M' : 'L'}${x(p).toFixed(1)},${y(v).toFixed(1)}`)
      .join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"/>`);
    if (s.points.length <= 6) {
      for (const [p, v] of s.points)
        out.push(`<circle cx="${x(p).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const ly = M.top + ph + 48 + Math.floor(i / 2) * 14;
    const lx = M.left + (i % 2) * (pw / 2);
    out.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${lx + 24}" y="${ly}">${esc(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
