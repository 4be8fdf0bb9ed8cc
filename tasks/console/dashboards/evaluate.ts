// Every panel of the committed dashboards asked through the console's own server, the path the
// browser takes (/api/prom/query_range; a logs panel /api/logsql/query): what each panel would
// show (data, no data, or the error on it). Used by the 0-4 console check and the integration test; the browser tests look at the
// drawn page itself.
import fsp from 'node:fs/promises';
import path from 'node:path';
import {
  intervalS,
  panelProblem,
  panelQueries,
  panelsOf,
  type GrafanaDashboard,
  type GrafanaPanel,
  type TemplateVariable,
} from './model.ts';
import { logsPanelUrl, logsqlOf } from './logs-query.ts';

export interface PanelAnswer {
  dashboard: string;
  panel: string;
  type: string;
  state: 'data' | 'nodata' | 'error';
  series: number;
  points: number;
  /** The expressions as sent (variables and macros replaced). */
  exprs: string[];
  reason?: string;
}

export const DASHBOARDS_DIR = path.join('manifests', 'grafana', 'dashboards');

export async function loadCommittedDashboards(root: string): Promise<{ file: string; d: GrafanaDashboard }[]> {
  const dir = path.join(root, DASHBOARDS_DIR);
  const files = (await fsp.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => ({ file, d: JSON.parse(await fsp.readFile(path.join(dir, file), 'utf8')) as GrafanaDashboard })));
}

interface PromBody {
  status?: string;
  error?: string;
  data?: { result?: { values?: [number, string][] }[] };
}

type Range = { from: number; to: number; step: number };
type Answer = { series: number; points: number; reason?: string };

/** A logs panel's lines through the console (/api/logsql): its lines count as its points. */
async function evaluateLogs(consoleUrl: string, queries: string[], range: Range, signal: AbortSignal): Promise<Answer> {
  let points = 0;
  for (const q of queries) {
    const res = await fetch(`${consoleUrl}${logsPanelUrl(logsqlOf(q), range)}`, { signal });
    const text = await res.text();
    if (!res.ok) return { series: 0, points, reason: `${q}: HTTP ${res.status}: ${text.slice(0, 200)}` };
    points += text.split('\n').filter((l) => l.trim()).length;
  }
  return { series: points ? 1 : 0, points };
}

async function evaluatePromQL(consoleUrl: string, exprs: string[], range: Range, signal: AbortSignal): Promise<Answer> {
  let series = 0;
  let points = 0;
  for (const expr of exprs) {
    const q = new URLSearchParams({ query: expr, start: String(range.from), end: String(range.to), step: String(range.step) });
    const res = await fetch(`${consoleUrl}/api/prom/query_range?${q}`, { signal });
    const body = (await res.json().catch(() => ({}))) as PromBody;
    if (!res.ok || body.status !== 'success') return { series, points, reason: `${expr}: ${body.error ?? `HTTP ${res.status}`}` };
    const result = body.data?.result ?? [];
    series += result.length;
    points += result.reduce((n, r) => n + (r.values?.length ?? 0), 0);
  }
  return { series, points };
}

const evaluateOne = (consoleUrl: string, p: GrafanaPanel, exprs: string[], range: Range, signal: AbortSignal) =>
  (p.type === 'logs' ? evaluateLogs : evaluatePromQL)(consoleUrl, exprs, range, signal);

/** Asks the console for every panel's queries over the last `rangeS` seconds (variables at their defaults). */
export async function evaluatePanels(
  consoleUrl: string,
  dashboards: { file: string; d: GrafanaDashboard }[],
  opts: { rangeS?: number; width?: number; signal?: AbortSignal } = {},
): Promise<PanelAnswer[]> {
  const rangeS = opts.rangeS ?? 900;
  const end = Math.floor(Date.now() / 1000);
  const start = end - rangeS;
  const step = intervalS(rangeS, opts.width ?? 600);
  const out: PanelAnswer[] = [];
  for (const { file, d } of dashboards) {
    const variables: TemplateVariable[] = d.templating?.list ?? [];
    for (const p of panelsOf(d)) {
      const base = { dashboard: d.title ?? file, panel: p.title ?? `panel ${p.id}`, type: p.type };
      const problem = panelProblem(p);
      if (problem) {
        out.push({ ...base, state: 'error', series: 0, points: 0, exprs: [], reason: problem });
        continue;
      }
      const exprs = panelQueries(p, { rangeS, intervalS: step, variables }).map((q) => q.expr);
      const signal = opts.signal ?? AbortSignal.timeout(15_000);
      const { series, points, reason } = await evaluateOne(consoleUrl, p, exprs, { from: start, to: end, step }, signal);
      out.push({
        ...base,
        state: reason ? 'error' : points > 0 ? 'data' : 'nodata',
        series,
        points,
        exprs,
        ...(reason ? { reason } : {}),
      });
    }
  }
  return out;
}
