// Every panel of the committed dashboards asked through the console's own server, the path the
// browser takes (/api/prom/query_range): what each panel would show (data, no data, or the error
// on it). Used by the 0-4 console check and the integration test; the browser tests look at the
// drawn page itself.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { intervalS, panelProblem, panelQueries, panelsOf, type GrafanaDashboard, type TemplateVariable } from './model.ts';

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
      const queries = panelQueries(p, { rangeS, intervalS: step, variables });
      let series = 0;
      let points = 0;
      let reason: string | undefined;
      for (const q of queries) {
        const url = `${consoleUrl}/api/prom/query_range?${new URLSearchParams({ query: q.expr, start: String(start), end: String(end), step: String(step) })}`;
        const res = await fetch(url, { signal: opts.signal ?? AbortSignal.timeout(15_000) });
        const body = (await res.json().catch(() => ({}))) as PromBody;
        if (!res.ok || body.status !== 'success') {
          reason = `${q.expr}: ${body.error ?? `HTTP ${res.status}`}`;
          break;
        }
        const result = body.data?.result ?? [];
        series += result.length;
        points += result.reduce((n, r) => n + (r.values?.length ?? 0), 0);
      }
      out.push({
        ...base,
        state: reason ? 'error' : points > 0 ? 'data' : 'nodata',
        series,
        points,
        exprs: queries.map((q) => q.expr),
        ...(reason ? { reason } : {}),
      });
    }
  }
  return out;
}
