// Dashboards: the ajv schema for the parts the platform relies on accepts the seed four and
// rejects the breakages that would show empty panels; every metric a panel reads resolves to a
// known exporter (through the recording rules); the PromQL name reader on real shapes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { dashboardSchema } from '../../tasks/phase0/04-metrics/file-checks.ts';
import type { PlatformContext } from '../../tasks/context.ts';
import {
  dashboardErrors,
  dashboardQueries,
  dashboardsDir,
  loadDashboards,
} from '../../tasks/phase0/04-metrics/dashboards.ts';
import { baseMetrics, expandGrafanaVars, metricNames, providerOf } from '../../tasks/phase0/04-metrics/promql.ts';
import { allRuleGroups, recordingRules } from '../../tasks/phase0/04-metrics/rules.ts';

const dir = dashboardsDir(REPO_ROOT);
const raw = (f: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown> & {
    panels: Record<string, unknown>[];
  };

test('the seed four dashboards load and pass the schema', async () => {
  const ds = loadDashboards(dir);
  assert.equal(ds.map((d) => d.title).sort(), [
    'Example-App Overview',
    'Kafka Metrics',
    'Resource Usage',
    'Service Metrics',
  ]);
  const c = await dashboardSchema.run({ paths: { root: REPO_ROOT } } as unknown as PlatformContext);
  assert.is(c.status, 'pass', c.reason);
});

test('the schema rejects a missing uid, a panel without queries, and a panel on another datasource', () => {
  const base = raw('example-app-kafka.json');
  assert.equal(dashboardErrors(base), []);
  const noUid = structuredClone(base);
  delete noUid.uid;
  assert.ok(dashboardErrors(noUid).length > 0);
  const noTargets = structuredClone(base);
  noTargets.panels[0]!.targets = [];
  assert.ok(dashboardErrors(noTargets).some((e) => e.includes('/panels/0/targets')));
  const otherDs = structuredClone(base);
  otherDs.panels[1]!.datasource = { type: 'prometheus', uid: 'someone-elses' };
  assert.ok(dashboardErrors(otherDs).some((e) => e.includes('/panels/1/datasource')));
  const emptyExpr = structuredClone(base);
  (emptyExpr.panels[2]!.targets as { expr: string }[])[0]!.expr = '';
  assert.ok(dashboardErrors(emptyExpr).length > 0);
});

test('metricNames reads selectors, not functions, labels, keywords or durations', () => {
  assert.equal(metricNames('sum by (job) (rate(http_requests_total{status_code=~"5.."}[5m]))'), [
    'http_requests_total',
  ]);
  assert.equal(
    metricNames(
      'histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])))',
    ),
    ['http_request_duration_seconds_bucket'],
  );
  assert.equal(metricNames('1 - (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)'), [
    'node_memory_MemAvailable_bytes',
    'node_memory_MemTotal_bytes',
  ]);
  assert.equal(metricNames('count(up == 0) or vector(0)'), ['up']);
  assert.equal(metricNames('a:b:c / on (job) group_left(route) d offset 5m'), ['a:b:c', 'd']);
  assert.equal(metricNames('count(ALERTS{alertstate="firing", x="by (y)"})'), ['ALERTS']);
});

test('Grafana variables are expanded to select-all matchers', () => {
  assert.is(
    expandGrafanaVars('job:http_requests:rate5m{job=~"$job"}'),
    'job:http_requests:rate5m{job=~".*"}',
  );
  assert.is(expandGrafanaVars('rate(x[$__rate_interval])'), 'rate(x[5m])');
});

test('every metric a dashboard or rule reads resolves, through the recording rules, to a known exporter', () => {
  const recording = recordingRules(REPO_ROOT);
  const exprs = [
    ...dashboardQueries(loadDashboards(dir)).map((q) => q.expr),
    ...allRuleGroups(REPO_ROOT).flatMap((g) => g.rules.map((r) => r.expr)),
  ];
  const metrics = baseMetrics(exprs.flatMap(metricNames), recording);
  assert.ok(metrics.includes('kafka_consumergroup_lag'));
  assert.ok(metrics.includes('node_filesystem_avail_bytes'));
  const unknown = metrics.filter((m) => providerOf(m) === undefined);
  assert.equal(unknown, [], `no exporter known for: ${unknown.join(', ')}`);
  assert.is(providerOf('some_metric_nobody_exports'), undefined);
});

test.run();
