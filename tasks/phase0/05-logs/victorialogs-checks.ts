// 0-5 against VictoriaLogs, the log store that stands in for Loki where Loki cannot run (the native
// target: Loki is AGPL and its modules are not used on these machines). The lines checked are the
// real ones: every supervised process's JSON log, shipped by the OpenTelemetry Collector. Each
// check needs the target's `logsql` endpoint, so the runner names the substitute; where the
// target has no VictoriaLogs the checks skip with its reason. That every one of the target's
// processes is in the store is the target's own check (it knows its processes).
import type { PlatformContext } from '../../context.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { poll } from '../../../validation/lib/http.ts';
import { hoursOf } from '../../../validation/lib/logs.ts';
import { countBy, logsql, quote, runningFlag } from '../../../validation/lib/logsql.ts';
import { percentile } from '../../../validation/lib/percentile.ts';
import { defineCheck, type DefinedCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { perVerify } from '../../../validation/lib/per-verify.ts';

const SUBSTITUTE = 'VictoriaLogs (for Loki)';
const SEED_LEVEL = /^(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)$/;

/** Lines per service in the store; the collector polls files twice a second and batches for 500 ms: give a fresh store a moment. */
const storedOf = perVerify(
  (_: PlatformContext, base: string): Promise<Map<string, number> | { error: string }> => {
    const count = async () => {
      const m = await countBy(base, '*', 'service');
      return m.size ? m : undefined;
    };
    return poll(count, 15_000, 1_000)
      .then(async (m) => m ?? (await countBy(base, '*', 'service')))
      .catch((e: unknown) => ({ error: `${base}: ${errText(e)}` }));
  },
);

/** The services with lines, or the skip saying the store did not answer. */
async function services(ctx: PlatformContext, base: string): Promise<string[] | Measurement> {
  const s = await storedOf(ctx, base);
  return s instanceof Map
    ? [...s.keys()].filter((x) => x).sort()
    : { skip: 'the store did not answer LogsQL' };
}

const store = defineCheck(
  {
    id: '0-5.vl-store',
    criteria: ['0-5.ac1'],
    title: `Logs are stored and answered by LogsQL (${SUBSTITUTE})`,
    proof: 'live',
    needs: 'logsql',
    bound: { atLeast: 1, unit: 'lines stored' },
  },
  async (vl, ctx) => {
    const s = await storedOf(ctx, vl.url);
    if (!(s instanceof Map)) throw new Error(s.error);
    const total = [...s.values()].reduce((a, b) => a + b, 0);
    return {
      measured: total,
      threshold: '> 0',
      evidence: `${vl.url}/select/logsql/query \`* | stats by (service) count()\`: ${[...s].map(([k, n]) => `${k}=${n}`).join(', ')}`,
      problems:
        total > 0 ? [] : ['VictoriaLogs answers but holds no line: is the collector (otelcol) running?'],
    };
  },
);

/** Problems with the newest leveled line of `service` that has a text message. */
async function fieldProblems(base: string, service: string): Promise<string[]> {
  // Lines without any message (node-exporter's "collector=cpu" list) keep their JSON as _msg, so
  // the newest line that has a text message is the one to inspect; a service with none fails.
  const q = `{service=${quote(service)}} level:* -_msg:~${quote('^\\s*\\{')} | sort by (_time) desc | limit 1`;
  const r = (await logsql(base, q).catch(() => ({ rows: [] as Record<string, string>[] }))).rows[0];
  if (!r) return ['every leveled line kept its raw JSON as the message'];
  const problems: string[] = [];
  if (!SEED_LEVEL.test(r.level ?? '')) problems.push(`level=${JSON.stringify(r.level)}`);
  if (r.service !== service) problems.push(`service=${JSON.stringify(r.service)}`);
  if (r.timestamp && Math.abs(Date.parse(r.timestamp) - Date.parse(r._time ?? '')) > 1)
    problems.push(`_time ${r._time} is not the line's timestamp ${r.timestamp}`);
  return problems;
}

/** For each service, its newest leveled line has level/service as fields, the message as _msg, _time from its timestamp. */
const fields = defineCheck(
  {
    id: '0-5.vl-fields',
    criteria: ['0-5.ac4'],
    title: `The seed's JSON fields are store fields, not text (${SUBSTITUTE})`,
    proof: 'live',
    needs: 'logsql',
  },
  async (vl, ctx) => {
    const all = await services(ctx, vl.url);
    if (!Array.isArray(all)) return all;
    const leveled = await countBy(vl.url, 'level:*', 'service').catch(() => new Map<string, number>());
    const bad: string[] = [];
    let good = 0;
    for (const s of all.filter((x) => leveled.get(x))) {
      const p = await fieldProblems(vl.url, s);
      if (p.length) bad.push(`${s}: ${p.join(', ')}`);
      else good++;
    }
    if (good + bad.length === 0) return { skip: 'no leveled line to inspect' };
    return {
      measured: `${good}/${good + bad.length}`,
      unit: 'services parsed',
      threshold: 'all',
      evidence:
        '{service="<name>"} level:* -_msg:~"^\\s*\\{" | sort by (_time) desc | limit 1 → level, service, _msg, _time fields',
      problems: bad,
    };
  },
);

/** A few dozen queries over the last 5 minutes, the kinds a developer asks. */
const latency = defineCheck(
  {
    id: '0-5.vl-query-latency',
    criteria: ['0-5.ac6'],
    title: `LogsQL query latency for the last 5 minutes, p95 (${SUBSTITUTE})`,
    proof: 'live',
    needs: 'logsql',
    bound: { below: 100, unit: 'ms' },
  },
  async (vl, ctx) => {
    const all = await services(ctx, vl.url);
    if (!Array.isArray(all)) return all;
    const who = all.includes('demo-service') ? 'demo-service' : (all[0] ?? 'kafka');
    const queries = [
      '_time:5m | limit 100',
      `_time:5m {service=${quote(who)}} level:ERROR`,
      `_time:5m {service=${quote(who)}} level:INFO | limit 100`,
      '_time:5m | stats by (service, level) count()',
    ];
    const times: number[] = [];
    let err: string | undefined;
    for (let i = 0; i < 36; i++) {
      try {
        times.push((await logsql(vl.url, queries[i % queries.length]!)).ms);
      } catch (e) {
        err = errText(e);
      }
    }
    const p95 = percentile(times, 95);
    return {
      measured: Math.round(p95 * 10) / 10,
      evidence: `${times.length} queries (${queries.join(' ; ')}): p50 ${percentile(times, 50).toFixed(1)}, p95 ${p95.toFixed(1)}, max ${Math.max(...times).toFixed(1)} ms`,
      problems: times.length >= 30 ? [] : [`only ${times.length} queries answered: ${err}`],
    };
  },
);

/** The flag the running store was started with. */
const retention = defineCheck(
  {
    id: '0-5.vl-retention',
    criteria: ['0-5.ac5'],
    title: `Log retention 30 days, read back from the running store (${SUBSTITUTE})`,
    proof: 'live',
    needs: 'logsql',
  },
  async (vl, ctx) => {
    const all = await services(ctx, vl.url);
    if (!Array.isArray(all)) return all;
    const v = await runningFlag(vl.url, 'retentionPeriod');
    const h = hoursOf(v);
    return {
      measured: h ?? v ?? 'unset',
      unit: 'h',
      threshold: '= 720 (30 d)',
      evidence: `GET ${vl.url}/metrics flag{name="retentionPeriod"} = ${v ?? 'absent'}`,
      problems: h === 720 ? [] : [`the running store keeps logs ${v ?? 'for its default'}`],
    };
  },
);

export const VICTORIA_LOGS_CHECKS: readonly DefinedCheck[] = [store, fields, latency, retention];
