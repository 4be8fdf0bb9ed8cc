// A time-series chart with uPlot (MIT, ~50 KB, made for exactly this: thousands of points drawn on
// a canvas in a few milliseconds). Values and axis ticks are written in the panel's unit.
import uPlot from 'uplot';
import { formatValue } from '../../dashboards/model.ts';
import { align, type Series } from './prom.ts';

// Grafana's classic palette, so a series looks the way it does on the Docker paths' Grafana.
const PALETTE = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0', '#508642', '#cca300'];

const AXIS = { stroke: '#8e8e99', grid: { stroke: '#2c3038', width: 1 }, ticks: { stroke: '#2c3038', width: 1 } };

export function drawChart(
  el: HTMLElement,
  series: Series[],
  opts: { unit?: string; decimals?: number; from: number; to: number; height?: number },
): uPlot {
  const width = Math.max(200, el.clientWidth);
  // The legend sits below the canvas, at most 38 px high (style.css) and scrolled beyond that.
  const height = opts.height ?? Math.max(80, el.clientHeight - 44);
  const fmt = (v: number | null) => (v === null ? '–' : formatValue(v, opts.unit, opts.decimals));
  return new uPlot(
    {
      width,
      height,
      scales: {
        x: { time: true, min: opts.from, max: opts.to },
        // A flat series (all 0) gets a unit range, as Grafana gives it, not 0-100 around nothing.
        y: { range: (_u, min, max) => (min === max ? [Math.min(0, min), Math.max(min, 0) + 1] : uPlot.rangeNum(min, max, 0.1, true)) },
      },
      axes: [
        { ...AXIS },
        {
          ...AXIS,
          values: (_u, splits) => splits.map((v) => formatValue(v, opts.unit, opts.decimals)),
          // Wide enough for the longest label in the unit (`0.06 req/s`), ~7 px a character.
          size: (_u, values) => 24 + 7.5 * Math.max(4, ...(values ?? []).map((v) => v.length)),
        },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.name,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => fmt(v),
        })),
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    },
    align(series),
    el,
  );
}
