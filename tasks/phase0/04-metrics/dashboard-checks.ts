// 0-4.ac4 live, two checks per committed dashboard: every panel query evaluates against the live
// Prometheus (Grafana variables expanded), and every metric the panels read is exported by a
// scrape target.
import { defineCheck, type DefinedCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { dashboardQueries, type Dashboard } from './dashboards.ts';
import { evaluateAll, exportMeasure } from './export.ts';
import type { Scrape } from './scrape.ts';

const queriesEvaluate = (d: Dashboard, s: Scrape) =>
  defineCheck(
    {
      id: `0-4.dashboard.${d.uid}.queries`,
      criteria: ['0-4.ac4'],
      title: `dashboard "${d.title}": every panel query evaluates`,
      needs: 'prometheus',
      proof: 'live',
    },
    async (): Promise<Measurement> => {
      const queries = dashboardQueries([d]);
      const ev = await evaluateAll(s.prom, queries.map((q) => ({ where: `${q.panel}/${q.refId}`, expr: q.expr })));
      return {
        measured: `${queries.length - ev.failures.length}/${queries.length}`,
        unit: 'queries',
        evidence: `${ev.empty.length} with no data yet${ev.empty.length ? `: ${ev.empty.join(', ')}` : ''}`.slice(0, 600),
        problems: ev.failures,
      };
    },
  );

const metricsExported = (d: Dashboard, s: Scrape) =>
  defineCheck(
    {
      id: `0-4.dashboard.${d.uid}.metrics`,
      criteria: ['0-4.ac4'],
      title: `dashboard "${d.title}": every metric is exported by a scrape target`,
      needs: 'prometheus',
      proof: 'live',
    },
    () => exportMeasure(dashboardQueries([d]).map((q) => q.expr), s),
  );

export const dashboardChecks = (dashboards: readonly Dashboard[], s: Scrape): DefinedCheck[] =>
  dashboards.flatMap((d) => [queriesEvaluate(d, s), metricsExported(d, s)]);
