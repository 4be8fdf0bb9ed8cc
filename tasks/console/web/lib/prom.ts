// Prometheus through the console's server (/api/prom/… → Prometheus /api/v1/…), and its answers
// as the columns uPlot draws: one shared time axis, one column of values per series.
import type uPlot from 'uplot';
import { getJson } from './api.ts';
import { seriesName } from '../../dashboards/model.ts';

interface PromAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface Series {
  name: string;
  metric: Record<string, string>;
  values: [number, number | null][];
}

export async function promGet<T>(path: string, params: Record<string, string | string[]>, signal?: AbortSignal): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
  const body = await getJson<PromAnswer<T>>(`/api/prom/${path}?${q}`, signal);
  if (body.status !== 'success') throw new Error(body.error ?? 'Prometheus answered with an error');
  return body.data;
}

export async function queryRange(
  expr: string,
  range: { start: number; end: number; step: number },
  legendFormat?: string,
  signal?: AbortSignal,
): Promise<Series[]> {
  const data = await promGet<{ resultType: string; result: MatrixSeries[] }>(
    'query_range',
    { query: expr, start: String(range.start), end: String(range.end), step: String(range.step) },
    signal,
  );
  return data.result.map((r) => ({
    name: seriesName(r.metric, legendFormat),
    metric: r.metric,
    values: r.values.map(([t, v]) => [t, Number.isFinite(Number(v)) ? Number(v) : null]),
  }));
}

/** Series on one time axis (the union of their timestamps; a series without a point there has null). */
export function align(series: Series[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.values.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const cols = series.map((s) => {
    const col: (number | null)[] = new Array(times.length).fill(null);
    for (const [t, v] of s.values) col[index.get(t)!] = v;
    return col;
  });
  return [times, ...cols] as uPlot.AlignedData;
}
