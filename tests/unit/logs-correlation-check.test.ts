// 0-5.ac7: a dashboard correlates logs with metrics when a logs panel sits beside metric panels;
// dashboards of metrics only fail the check and name themselves.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import { DASHBOARDS_DIR, logMetricCorrelation } from '../../tasks/phase0/05-logs/correlation-check.ts';
import { tempDir } from '../fixtures/engine/nodes.ts';

const prom = { type: 'timeseries', datasource: { type: 'prometheus', uid: 'prometheus' } };
const loki = { type: 'logs', datasource: { type: 'loki', uid: 'loki' } };

function rootWith(dashboards: Record<string, unknown[]>): PlatformContext {
  const root = tempDir();
  fs.mkdirSync(path.join(root, DASHBOARDS_DIR), { recursive: true });
  for (const [name, panels] of Object.entries(dashboards))
    fs.writeFileSync(path.join(root, DASHBOARDS_DIR, `${name}.json`), JSON.stringify({ panels }));
  return { paths: { root } } as unknown as PlatformContext;
}

test('metrics only: fail naming every dashboard', async () => {
  const c = await logMetricCorrelation.run(rootWith({ a: [prom], b: [prom, prom] }));
  assert.is(c.status, 'fail');
  assert.is(c.measured, 0);
  assert.match(c.reason ?? '', /none of the 2 dashboards has a logs panel/);
  assert.match(c.evidence ?? '', /a\.json 0 log \/ 1 metric panels, b\.json 0 log \/ 2 metric panels/);
});

test('a logs panel beside metric panels (also inside a row) passes', async () => {
  const c = await logMetricCorrelation.run(rootWith({ a: [prom], svc: [prom, { type: 'row', panels: [loki] }] }));
  assert.equal([c.status, c.measured, c.proof], ['pass', 1, 'static']);
  // Logs alone are not correlated with metrics.
  const alone = await logMetricCorrelation.run(rootWith({ logs: [loki] }));
  assert.is(alone.status, 'fail');
});

test.run();
