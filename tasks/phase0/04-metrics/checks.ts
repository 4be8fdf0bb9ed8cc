// Verify checks of seed task 0-4 (metrics), as data, shared by every target: they only use its
// endpoints. The repository's files first (promtool on the rules, the dashboards' schema, the
// guide), Grafana where the target has one, then the live Prometheus: ready, retention, every
// scrape target, the rules and each dashboard against it, and the series that must have data.
// The checks past `ready` judge one reading of what Prometheus scrapes (scrape.ts), and exist
// only when Prometheus answers (a target without one has the ready check's skip, nothing more).
import type { PlatformContext } from '../../context.ts';
import type { Check } from '../../engine/task.ts';
import { isAvailable } from '../../targets/target.ts';
import { runChecks } from '../../../validation/lib/define-check.ts';
import { Prom } from '../../../validation/lib/prometheus.ts';
import { dashboardChecks } from './dashboard-checks.ts';
import { dashboardsDir, loadDashboards, type Dashboard } from './dashboards.ts';
import { fileChecks } from './file-checks.ts';
import { grafanaChecks } from './grafana-checks.ts';
import { prometheusReady, requiredSeries, retention, seriesHaveData } from './prometheus-checks.ts';
import { ruleChecks } from './rule-checks.ts';
import { allRuleGroups } from './rules.ts';
import { readScrape } from './scrape.ts';
import { targetChecks } from './target-checks.ts';

function committedDashboards(root: string): Dashboard[] {
  try {
    return loadDashboards(dashboardsDir(root));
  } catch {
    return []; // 0-4.dashboards (file-checks.ts) fails with the reason
  }
}

export async function metricsChecks(ctx: PlatformContext): Promise<Check[]> {
  const out = await runChecks(ctx, [...fileChecks, ...grafanaChecks, prometheusReady]);
  const ep = ctx.target.endpoints().prometheus;
  if (out.at(-1)?.status !== 'pass' || !isAvailable(ep)) return out;
  out.push(...(await runChecks(ctx, [retention])));
  const root = ctx.paths.root;
  const scrape = await readScrape(new Prom(ep.url, ctx.signal), root);
  const groups = allRuleGroups(root);
  const dashboards = committedDashboards(root);
  out.push(
    ...(await runChecks(ctx, [
      ...targetChecks(scrape),
      ...ruleChecks(groups, scrape),
      ...dashboardChecks(dashboards, scrape),
      seriesHaveData(requiredSeries(groups, dashboards, scrape.recording)),
    ])),
  );
  return out;
}
