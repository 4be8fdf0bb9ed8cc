// Checks of seed task 0-4's Grafana criteria where the platform console stands in for Grafana
// (native: the `console` endpoint names it as the substitute, so a pass is proof `substitute`).
// Where the target has no console (k3d, compose: Grafana itself) they skip with that reason and
// the Grafana checks in checks.ts decide. Each drives what a person uses: the console's own
// server (the browser's path) and, for the dashboards, the pages in a real browser.
import { defineCheck, type DefinedCheck } from '../../../validation/lib/define-check.ts';
import { evaluatePanels, loadCommittedDashboards } from '../../console/dashboards/evaluate.ts';

const TIMEOUT_MS = 15_000;

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as T };
}

export const consoleReady = defineCheck(
  {
    id: '0-4.console-ready',
    criteria: ['0-4.ac2'],
    title: 'the console answers where Grafana would (GRAFANA_PORT): its page and bundle from one origin',
    needs: 'console',
    proof: 'live',
  },
  async (ep) => {
    const t0 = performance.now();
    const health = await fetch(`${ep.url}/api/health`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const page = await (await fetch(`${ep.url}/`, { signal: AbortSignal.timeout(TIMEOUT_MS) })).text();
    const app = await fetch(`${ep.url}/app.js`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const bytes = (await app.arrayBuffer()).byteLength;
    const ms = Math.round(performance.now() - t0);
    const problems = [
      health.status !== 200 ? `/api/health answered ${health.status}` : '',
      /src="\/app.js"/.test(page) ? '' : 'the page does not load its bundle from the console',
      /\bsrc="https?:|href="https?:/.test(page) ? 'the page loads something from another origin' : '',
      app.status !== 200 || bytes === 0 ? `/app.js answered ${app.status} (${bytes} bytes): run make up to bundle it` : '',
    ].filter(Boolean);
    return { measured: ms, unit: 'ms', evidence: `${ep.url}: /api/health ${health.status}, page and /app.js (${Math.round(bytes / 1024)} KiB) in ${ms} ms`, problems };
  },
);

export const consoleDatasource = defineCheck(
  {
    id: '0-4.console-datasource',
    criteria: ['0-4.ac7'],
    title: "the console's Prometheus data source is the platform's Prometheus and answers through it",
    needs: 'console',
    proof: 'live',
  },
  async (ep, ctx) => {
    const prom = ctx.target.endpoints().prometheus;
    const cfg = await getJson<{ backends?: { prometheus?: { url?: string; unavailable?: string } } }>(`${ep.url}/api/config`);
    const ds = cfg.body.backends?.prometheus;
    const q = await getJson<{ status?: string; error?: string; data?: { result?: { metric: Record<string, string>; value: [number, string] }[] } }>(
      `${ep.url}/api/prom/query?query=up`,
    );
    const up = (q.body.data?.result ?? []).filter((r) => r.value[1] === '1');
    const problems = [
      !ds?.url ? `the console has no Prometheus: ${ds?.unavailable ?? 'not configured'}` : '',
      'url' in prom && ds?.url && ds.url !== prom.url ? `the console reads ${ds.url}, the platform's Prometheus is ${prom.url}` : '',
      q.body.status !== 'success' ? `query up through the console: ${q.body.error ?? `HTTP ${q.status}`}` : '',
      q.body.status === 'success' && up.length === 0 ? 'query up through the console: no target is up' : '',
    ].filter(Boolean);
    return {
      measured: up.length,
      unit: 'targets up',
      evidence: `${ep.url}/api/prom → ${ds?.url ?? '-'}; up = 1 for ${up.map((r) => r.metric.job).join(', ')}`,
      problems,
    };
  },
);

export const consoleDashboards = defineCheck(
  {
    id: '0-4.console-dashboards',
    criteria: ['0-4.ac4'],
    title: "every panel of the committed dashboards answers with data through the console's server",
    needs: 'console',
    proof: 'live',
  },
  async (ep, ctx) => {
    const dashboards = await loadCommittedDashboards(ctx.paths.root);
    const answers = await evaluatePanels(ep.url, dashboards, { rangeS: 900 });
    const withData = answers.filter((a) => a.state === 'data');
    const problems = answers
      .filter((a) => a.state !== 'data')
      .map((a) => `${a.dashboard} / ${a.panel}: ${a.state === 'error' ? a.reason : `no data for ${a.exprs.join('; ')}`}`);
    return {
      measured: `${withData.length}/${answers.length}`,
      unit: 'panels with data',
      threshold: `every panel of the ${dashboards.length} dashboards`,
      evidence: `${dashboards.map((d) => d.d.title).join(', ')}: ${withData.length} of ${answers.length} panels answered with data over the last 15 min (${withData.reduce((n, a) => n + a.points, 0)} points)`,
      problems,
    };
  },
);

export const consoleDashboardsDrawn = defineCheck(
  {
    id: '0-4.console-dashboards-drawn',
    criteria: ['0-4.ac2', '0-4.ac4'],
    title: 'each dashboard page draws every panel in a real browser (Chromium)',
    needs: 'console',
    proof: 'live',
  },
  async (ep, ctx) => {
    const browserLib = await import('../../../validation/lib/browser.ts');
    const none = browserLib.noBrowserReason();
    if (none) return { skip: none };
    const dashboards = await loadCommittedDashboards(ctx.paths.root);
    const browser = await browserLib.launchBrowser();
    const problems: string[] = [];
    const drawnMs: number[] = [];
    let panels = 0;
    try {
      const page = await browserLib.newPage(browser);
      for (const { d, file } of dashboards) {
        const uid = d.uid ?? file.replace(/\.json$/, '');
        const t0 = performance.now();
        await page.goto(`${ep.url}/#/dashboards/${uid}`);
        // The grid records when every panel of a round has settled (drawn, no data or error).
        await page.waitForSelector('.grid[data-drawn-at]:not([data-drawn-at=""])', { timeout: TIMEOUT_MS });
        drawnMs.push(Math.round(performance.now() - t0));
        const states = await page.$$eval('.panel', (els) =>
          els.map((e) => ({
            title: e.querySelector('.title')?.textContent ?? '',
            state: (e as HTMLElement).dataset.state ?? '',
            reason: (e as HTMLElement).dataset.reason ?? '',
          })),
        );
        panels += states.length;
        for (const s of states) if (s.state !== 'drawn') problems.push(`${d.title} / ${s.title}: ${s.state} ${s.reason}`.trim());
        await browserLib.screenshot(page, `console-dashboard-${uid}`);
      }
    } finally {
      await browser.close();
    }
    return {
      measured: Math.max(...drawnMs),
      unit: 'ms',
      evidence: `${panels} panels on ${dashboards.length} dashboards drawn in Chromium; navigation to all drawn ${drawnMs.join(', ')} ms; screenshots .platform/screenshots/console-dashboard-*.png`,
      problems,
    };
  },
);

export const consoleChecks: readonly DefinedCheck[] = [consoleReady, consoleDatasource, consoleDashboards, consoleDashboardsDrawn];
