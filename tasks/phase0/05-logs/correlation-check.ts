// 0-5.ac7 ("Logs are correlated with metrics in dashboards"), checked on every target: the
// dashboards Grafana provisions on the Docker paths and the console draws natively are the same
// files (manifests/grafana/dashboards). A dashboard correlates logs with metrics when it holds a
// logs panel (a Loki or VictoriaLogs query) beside its metric panels. A data link from a log line
// to its trace (the Loki datasource's derived field) is log ↔ trace, not log ↔ metric, so it does
// not count here. The figure is how many dashboards do; none is a fail that names them.
import fs from 'node:fs';
import path from 'node:path';
import { defineCheck } from '../../../validation/lib/define-check.ts';

export const DASHBOARDS_DIR = path.join('manifests', 'grafana', 'dashboards');

interface Panel {
  type?: string;
  datasource?: { type?: string; uid?: string } | string;
  panels?: Panel[];
}

const LOG_SOURCES = /loki|victoria/i;
const dsOf = (p: Panel) =>
  typeof p.datasource === 'string' ? p.datasource : `${p.datasource?.type ?? ''} ${p.datasource?.uid ?? ''}`;
const flat = (ps: Panel[] = []): Panel[] => ps.flatMap((p) => [p, ...flat(p.panels)]);

/** Per dashboard file: its log panels and metric panels. */
export function logAndMetricPanels(root: string): { file: string; logs: number; metrics: number }[] {
  const dir = path.join(root, DASHBOARDS_DIR);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const panels = flat(
        (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { panels?: Panel[] }).panels,
      );
      const logs = panels.filter((p) => p.type === 'logs' || LOG_SOURCES.test(dsOf(p))).length;
      const metrics = panels.filter((p) => /prometheus/i.test(dsOf(p))).length;
      return { file, logs, metrics };
    });
}

export const logMetricCorrelation = defineCheck(
  {
    id: '0-5.logs-beside-metrics',
    criteria: ['0-5.ac7'],
    title:
      'A dashboard shows log lines beside its metrics (Grafana on the Docker paths, the console natively)',
    proof: 'static',
    bound: { atLeast: 1, unit: 'dashboards with logs and metrics' },
  },
  (_, ctx) => {
    const all = logAndMetricPanels(ctx.paths.root);
    const both = all.filter((d) => d.logs > 0 && d.metrics > 0);
    return {
      measured: both.length,
      evidence: `${DASHBOARDS_DIR}: ${all.map((d) => `${d.file} ${d.logs} log / ${d.metrics} metric panels`).join(', ')}`,
      problems: both.length
        ? []
        : [
            `none of the ${all.length} dashboards has a logs panel: logs are reached from traces (trace_id), not shown beside metrics`,
          ],
    };
  },
);
