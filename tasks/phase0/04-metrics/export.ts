// The two judgements the rule and dashboard checks share: do these expressions evaluate against
// the live Prometheus, and is every metric they read (behind recording rules) exported by some
// scrape target. A service's series while the service is down make a skip naming them, never a pass.
import type { Measurement } from '../../../validation/lib/define-check.ts';
import { errText } from '../../../validation/lib/errors.ts';
import type { Prom } from '../../../validation/lib/prometheus.ts';
import { baseMetrics, expandGrafanaVars, metricNames, providerOf } from './promql.ts';
import type { Exported } from './scrape.ts';

/** Evaluates each expression (Grafana variables expanded): the ones that error and the ones with no data. */
export async function evaluateAll(prom: Prom, exprs: readonly { where: string; expr: string }[]) {
  const failures: string[] = [];
  const empty: string[] = [];
  for (const { where, expr } of exprs) {
    try {
      const r = await prom.query(expandGrafanaVars(expr));
      if (r.result.length === 0) empty.push(where);
    } catch (e) {
      failures.push(`${where}: ${errText(e)}`);
    }
  }
  return { failures, empty };
}

/** Is every base metric of these expressions exported by some target? Service series may wait for the service. */
export function exportMeasure(exprs: readonly string[], ex: Exported): Measurement {
  const metrics = baseMetrics(exprs.flatMap(metricNames), ex.recording);
  const missing = metrics.filter((m) => !ex.known.has(m));
  const waiting = missing.filter((m) => {
    const p = providerOf(m);
    return p !== undefined && ex.down.has(p.job);
  });
  const unknown = missing.filter((m) => !waiting.includes(m));
  const evidence = `${metrics.length} metrics: ${metrics.join(', ')}`.slice(0, 600);
  if (unknown.length > 0) {
    const named = unknown.map((m) => `${m} (${providerOf(m)?.exporter ?? 'no known exporter'})`);
    return {
      measured: `${unknown.length} not exported`,
      evidence,
      problems: [`no scrape target exports: ${named.join(', ')}`],
    };
  }
  const exported = { measured: `${metrics.length - waiting.length}/${metrics.length}`, unit: 'metrics exported', evidence };
  if (waiting.length === 0) return exported;
  // A dashboard with some of its metrics missing is not proven whole, even when the cause is
  // a service that is down: a skip that names them (the row is partial), never a pass.
  const reasons = [...new Set(waiting.map((m) => ex.down.get(providerOf(m)?.job ?? '') ?? ''))].join('; ');
  return {
    ...exported,
    skip:
      waiting.length === metrics.length
        ? `every series comes from a service: ${reasons}`
        : `${waiting.length} of ${metrics.length} not exported until the service runs: ${waiting.join(', ')} (${reasons})`,
  };
}
