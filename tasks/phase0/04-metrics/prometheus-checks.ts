// Prometheus itself, on the target's endpoint: ready (0-4.ac1, its answer time the figure), the
// 30-day retention it runs with (0-4.ac6, read from its own flags), and the series every platform
// has holding data (0-4.ac1).
import { defineCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { http } from '../../../validation/lib/http.ts';
import { Prom } from '../../../validation/lib/prometheus.ts';
import { dashboardQueries, type Dashboard } from './dashboards.ts';
import { baseMetrics, metricNames, providerOf } from './promql.ts';
import type { RuleGroup } from './rules.ts';

export const prometheusReady = defineCheck(
  { id: '0-4.prometheus-ready', criteria: ['0-4.ac1'], title: 'Prometheus is ready', needs: 'prometheus', proof: 'live' },
  async (ep): Promise<Measurement> => {
    const url = `${ep.url}/-/ready`;
    const r = await http(url, { timeoutMs: 5_000 }).catch((e: unknown) => {
      throw new Error(`GET ${url}: ${errText(e)}`);
    });
    if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status}`);
    return { measured: Math.round(r.ms), unit: 'ms', evidence: `GET ${url}` };
  },
);

export const retention = defineCheck(
  { id: '0-4.retention', criteria: ['0-4.ac6'], title: 'metrics retention is 30 days', needs: 'prometheus', proof: 'live' },
  async (ep, ctx): Promise<Measurement> => {
    const flags = await new Prom(ep.url, ctx.signal).get<Record<string, string>>('/api/v1/status/flags');
    const value = flags['storage.tsdb.retention.time'] ?? '';
    return {
      measured: value,
      threshold: '30d',
      evidence: 'storage.tsdb.retention.time from /api/v1/status/flags',
      problems: value === '30d' ? [] : [`Prometheus runs with retention ${value || '(unset)'}`],
    };
  },
);

/** The series every platform has (Prometheus, node, Kafka offsets, broker), from the rules and dashboards. */
export function requiredSeries(
  groups: readonly RuleGroup[],
  dashboards: readonly Dashboard[],
  recording: ReadonlyMap<string, string>,
): string[] {
  const exprs = [...groups.flatMap((g) => g.rules.map((r) => r.expr)), ...dashboardQueries(dashboards).map((q) => q.expr)];
  const all = baseMetrics(exprs.flatMap(metricNames), recording);
  return [...new Set([...all.filter((m) => providerOf(m)?.required), 'kafka_brokers', 'prometheus_build_info'])];
}

/** The required series with no data now. */
async function withoutData(prom: Prom, required: readonly string[]): Promise<string[]> {
  const noData: string[] = [];
  for (const m of required) {
    // kafka_brokers is 0 while the exporter cannot reach the broker: that is no data either.
    const expr = m === 'kafka_brokers' ? 'count(kafka_brokers > 0)' : `count(${m})`;
    const r = await prom.query(expr).catch(() => ({ result: [] as unknown[] }));
    if (r.result.length === 0) noData.push(`${m} (${providerOf(m)?.exporter ?? '?'})`);
  }
  return noData;
}

/** An exporter that lost the broker (0-3's durability check restarts it just before) publishes no series until its next good scrape. */
const DATA_WAIT_MS = 35_000;

export const seriesHaveData = (required: readonly string[]) =>
  defineCheck(
    { id: '0-4.data', criteria: ['0-4.ac1'], title: 'Prometheus, host and Kafka series have data', needs: 'prometheus', proof: 'live' },
    async (ep, ctx): Promise<Measurement> => {
      const prom = new Prom(ep.url, ctx.signal);
      // Two scrape intervals before calling it no data.
      const deadline = Date.now() + DATA_WAIT_MS;
      let noData = await withoutData(prom, required);
      while (noData.length > 0 && Date.now() <= deadline && !ctx.signal?.aborted) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        noData = await withoutData(prom, required);
      }
      return {
        measured: `${required.length - noData.length}/${required.length}`,
        unit: 'metrics with data',
        evidence: required.join(', ').slice(0, 600),
        problems: noData.length ? [`no data: ${noData.join(', ')}`] : [],
      };
    },
  );
