// 0-5 against VictoriaLogs, the log store that stands in for Loki where Loki cannot run (the native
// target: Loki is AGPL and its modules are not used on these machines). The lines checked are the
// real ones: every supervised process's JSON log, shipped by the OpenTelemetry Collector. Each
// check names the substitute; where the target has no VictoriaLogs the checks skip with its reason.
import { check, type Check } from '../../engine/task.ts';
import { isAvailable, type Endpoint } from '../../targets/target.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { poll } from '../../../validation/lib/http.ts';
import { proofVia } from '../../../validation/lib/checks.ts';
import { hoursOf } from '../../../validation/lib/logs.ts';
import { countBy, logsql, quote, runningFlag } from '../../../validation/lib/logsql.ts';

const TASK = '0-5';
export const SUBSTITUTE = 'VictoriaLogs (for Loki)';
const SEED_LEVEL = /^(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)$/;

/** Nearest-rank percentile of a sample (ms). */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

const skipAll = (e: { unavailable: string }, defs: [string, string, string[]][]) =>
  defs.map(([id, title, criteria]) =>
    check({ id, title, criteria, proof: 'live', status: 'skip', reason: e.unavailable }),
  );

const DEFS: Record<string, [string, string, string[]]> = {
  store: [`${TASK}.vl-store`, `Logs are stored and answered by LogsQL (${SUBSTITUTE})`, ['0-5.ac1']],
  fields: [
    `${TASK}.vl-fields`,
    `The seed's JSON fields are store fields, not text (${SUBSTITUTE})`,
    ['0-5.ac4'],
  ],
  latency: [
    `${TASK}.vl-query-latency`,
    `LogsQL query latency for the last 5 minutes, p95 (${SUBSTITUTE})`,
    ['0-5.ac6'],
  ],
  retention: [
    `${TASK}.vl-retention`,
    `Log retention 30 days, read back from the running store (${SUBSTITUTE})`,
    ['0-5.ac5'],
  ],
};

/**
 * The 0-5 checks on VictoriaLogs' LogsQL API (the target's `logsql` endpoint). That every one of
 * the target's processes is in the store is the target's own check (it knows its processes).
 */
export async function victoriaLogsChecks(vl: Endpoint): Promise<Check[]> {
  if (!isAvailable(vl)) return skipAll(vl, Object.values(DEFS));
  const base = vl.url;
  const out: Check[] = [];
  const [storeId, storeTitle, storeCrit] = DEFS.store!;
  let perService: Map<string, number>;
  try {
    // The collector polls files twice a second and batches for 500 ms: give a fresh store a moment.
    perService =
      (await poll(
        async () => {
          const m = await countBy(base, '*', 'service');
          return m.size ? m : undefined;
        },
        15_000,
        1_000,
      )) ?? new Map<string, number>();
    const total = [...perService.values()].reduce((a, b) => a + b, 0);
    out.push(
      check({
        id: storeId,
        title: storeTitle,
        criteria: storeCrit,
        ...proofVia(vl),
        status: total > 0 ? 'pass' : 'fail',
        measured: total,
        unit: 'lines stored',
        threshold: '> 0',
        evidence: `${base}/select/logsql/query \`* | stats by (service) count()\`: ${[...perService].map(([s, n]) => `${s}=${n}`).join(', ')}`,
        ...(total > 0
          ? {}
          : { reason: 'VictoriaLogs answers but holds no line: is the collector (otelcol) running?' }),
      }),
    );
  } catch (e) {
    out.push(
      check({
        id: storeId,
        title: storeTitle,
        criteria: storeCrit,
        ...proofVia(vl),
        status: 'fail',
        reason: `${base}: ${errText(e)}`,
      }),
    );
    return [
      ...out,
      ...skipAll({ unavailable: 'the store did not answer LogsQL' }, Object.values(DEFS).slice(1)),
    ];
  }

  const leveled = await countBy(base, 'level:*', 'service').catch(() => new Map<string, number>());
  const services = [...perService.keys()].filter((x) => x).sort();

  // Fields: for each service, its newest leveled line has level/service as fields, the message as
  // _msg (not the JSON text), and _time taken from the line's own timestamp.
  const [fieldsId, fieldsTitle, fieldsCrit] = DEFS.fields!;
  const bad: string[] = [];
  const good: string[] = [];
  for (const s of services.filter((x) => leveled.get(x))) {
    // Lines without any message (node-exporter's "collector=cpu" list) keep their JSON as _msg, so
    // the newest line that has a text message is the one to inspect; a service with none fails.
    const { rows } = await logsql(
      base,
      `{service=${quote(s)}} level:* -_msg:~${quote('^\\s*\\{')} | sort by (_time) desc | limit 1`,
    ).catch(() => ({ rows: [] as Record<string, string>[] }));
    const r = rows[0];
    const problems: string[] = [];
    if (!r) problems.push('every leveled line kept its raw JSON as the message');
    else {
      if (!SEED_LEVEL.test(r.level ?? '')) problems.push(`level=${JSON.stringify(r.level)}`);
      if (r.service !== s) problems.push(`service=${JSON.stringify(r.service)}`);
      if (r.timestamp && Math.abs(Date.parse(r.timestamp) - Date.parse(r._time ?? '')) > 1)
        problems.push(`_time ${r._time} is not the line's timestamp ${r.timestamp}`);
    }
    (problems.length ? bad : good).push(problems.length ? `${s}: ${problems.join(', ')}` : s);
  }
  out.push(
    check({
      id: fieldsId,
      title: fieldsTitle,
      criteria: fieldsCrit,
      ...proofVia(vl),
      status: good.length === 0 && bad.length === 0 ? 'skip' : bad.length ? 'fail' : 'pass',
      measured: `${good.length}/${good.length + bad.length}`,
      unit: 'services parsed',
      threshold: 'all',
      evidence:
        '{service="<name>"} level:* -_msg:~"^\\s*\\{" | sort by (_time) desc | limit 1 → level, service, _msg, _time fields',
      ...(bad.length
        ? { reason: bad.join('; ') }
        : good.length
          ? {}
          : { reason: 'no leveled line to inspect' }),
    }),
  );

  // Latency: a few dozen queries over the last 5 minutes, the kinds a developer asks.
  const [latId, latTitle, latCrit] = DEFS.latency!;
  const who = services.includes('demo-service') ? 'demo-service' : (services[0] ?? 'kafka');
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
      times.push((await logsql(base, queries[i % queries.length]!)).ms);
    } catch (e) {
      err = errText(e);
    }
  }
  const p95 = percentile(times, 95);
  const okLat = times.length >= 30 && p95 < 100;
  out.push(
    check({
      id: latId,
      title: latTitle,
      criteria: latCrit,
      ...proofVia(vl),
      status: okLat ? 'pass' : 'fail',
      measured: Math.round(p95 * 10) / 10,
      unit: 'ms',
      threshold: '< 100',
      evidence: `${times.length} queries (${queries.join(' ; ')}): p50 ${percentile(times, 50).toFixed(1)}, p95 ${p95.toFixed(1)}, max ${Math.max(...times).toFixed(1)} ms`,
      ...(okLat
        ? {}
        : {
            reason:
              times.length >= 30
                ? `p95 ${p95.toFixed(1)} ms`
                : `only ${times.length} queries answered: ${err}`,
          }),
    }),
  );

  // Retention: the flag the running store was started with.
  const [retId, retTitle, retCrit] = DEFS.retention!;
  try {
    const v = await runningFlag(base, 'retentionPeriod');
    const h = hoursOf(v);
    out.push(
      check({
        id: retId,
        title: retTitle,
        criteria: retCrit,
        ...proofVia(vl),
        status: h === 720 ? 'pass' : 'fail',
        measured: h ?? v ?? 'unset',
        unit: 'h',
        threshold: '= 720 (30 d)',
        evidence: `GET ${base}/metrics flag{name="retentionPeriod"} = ${v ?? 'absent'}`,
        ...(h === 720 ? {} : { reason: `the running store keeps logs ${v ?? 'for its default'}` }),
      }),
    );
  } catch (e) {
    out.push(
      check({
        id: retId,
        title: retTitle,
        criteria: retCrit,
        ...proofVia(vl),
        status: 'fail',
        reason: `${base}: ${errText(e)}`,
      }),
    );
  }
  return out;
}
