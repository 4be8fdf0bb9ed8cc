// Checks of seed task 0-5 (logs). They only use the target's endpoints: Loki's HTTP API for a
// line the check itself pushed, Grafana's datasource proxy for the same query. Where the target
// marks Loki or Grafana unavailable (native), the check is a skip carrying that reason; natively
// the supervised processes' log files are checked to be JSON lines instead.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import YAML from 'yaml';
import { check, type Check } from '../../engine/task.ts';
import type { PlatformContext, Paths } from '../../context.ts';
import { isAvailable } from '../../targets/target.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { grafanaHeaders, http, poll } from '../../../validation/lib/http.ts';
import { skipFor, standInOf } from '../../../validation/lib/checks.ts';
import { createLogger, REDACTED } from '../../../templates/service/src/lib/logging.ts';
import { hoursOf, pushLine, queryRange, type LokiHit } from '../../../validation/lib/logs.ts';
import { exclusiveTracing } from '../../../validation/lib/tracing.ts';

const TASK = '0-5';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

// ---- the seed log format, proven on the library itself ----------------------------------------

const SEED_FIELDS = ['timestamp', 'level', 'service', 'trace_id', 'message'] as const;

/** One line written by createLogger inside a span: seed fields, the span's trace id, secrets redacted. */
export async function logFormatCheck(): Promise<Check> {
  const t0 = performance.now();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const log = createLogger({ service: 'market-data', destination: sink, level: 'info' });
  const exporter = new InMemorySpanExporter();
  const expected = await exclusiveTracing(
    { serviceName: 'verify-logs', endpoint: 'unused', exporter },
    async (t) => {
      const span = t.tracer.startSpan('format-check');
      context.with(trace.setSpan(context.active(), span), () =>
        log.info({ symbol: 'AAPL', price: 150.25, password: 'canary-secret-0-5' }, 'Candle processed'),
      );
      span.end();
      return span.spanContext().traceId;
    },
  );
  const problems: string[] = [];
  let obj: Record<string, unknown> = {};
  try {
    obj = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  } catch {
    problems.push(`not one JSON line: ${JSON.stringify(lines[0] ?? '')}`);
  }
  for (const f of SEED_FIELDS) if (!(f in obj)) problems.push(`missing ${f}`);
  if (typeof obj.timestamp === 'string' && Number.isNaN(Date.parse(obj.timestamp)))
    problems.push('timestamp not ISO-8601');
  if (obj.level !== 'INFO') problems.push(`level ${JSON.stringify(obj.level)} (want "INFO")`);
  if (obj.trace_id !== expected) problems.push('trace_id is not the active span');
  if (obj.symbol !== 'AAPL' || obj.price !== 150.25) problems.push('fields not kept');
  if (obj.password !== REDACTED || lines.join('\n').includes('canary-secret-0-5'))
    problems.push('secret not redacted');
  const present = SEED_FIELDS.filter((f) => f in obj).length;
  return check({ proof: 'static',
    id: `${TASK}.log-format`,
    title: 'Structured JSON log line in the seed format, with the active trace id and redaction',
    // In-process, into memory: it proves the logger's format, not that a store parses it (0-5.ac4)
    // or that a service's logs carry its traces (0-6.ac5); those are the store's checks.
    status: problems.length ? 'fail' : 'pass',
    measured: `${present}/${SEED_FIELDS.length}`,
    threshold: `${SEED_FIELDS.length}/${SEED_FIELDS.length} seed fields`,
    unit: 'fields',
    evidence: (lines[0] ?? '').slice(0, 300),
    ...(problems.length ? { reason: problems.join('; ') } : {}),
    durationMs: Math.round(performance.now() - t0),
  });
}

// ---- Loki -----------------------------------------------------------------------------------

export async function lokiReadyCheck(ctx: PlatformContext): Promise<Check> {
  const id = `${TASK}.loki-ready`;
  const title = 'Loki answers /ready';
  const loki = ctx.target.endpoints().loki;
  const skip = skipFor(id, title, loki, ['0-5.ac1']);
  if (skip || !isAvailable(loki)) return skip!;
  try {
    const r = await http(`${loki.url}/ready`, { timeoutMs: 5_000 });
    return check({ proof: 'live',
      id,
      title,
      criteria: ['0-5.ac1'],
      status: r.status === 200 ? 'pass' : 'fail',
      measured: Math.round(r.ms),
      unit: 'ms',
      evidence: `GET ${loki.url}/ready → ${r.status} ${r.text.trim().slice(0, 60)}`,
      ...(r.status === 200 ? {} : { reason: `Loki /ready answered ${r.status}` }),
    });
  } catch (e) {
    return check({ proof: 'live',
      id,
      title,
      criteria: ['0-5.ac1'],
      status: 'fail',
      reason: `GET ${loki.url}/ready: ${errText(e)}`,
    });
  }
}

/**
 * Pushes a seed-format line with a unique marker, waits until LogQL finds it (parsed with `| json`),
 * then times the same query: the seed wants < 100 ms for recent logs.
 */
export async function lokiQueryChecks(ctx: PlatformContext, traceId?: string): Promise<Check[]> {
  const loki = ctx.target.endpoints().loki;
  const ids = { found: `${TASK}.loki-query`, latency: `${TASK}.loki-query-latency` };
  if (!isAvailable(loki)) {
    return [
      check({ proof: 'live',
        id: ids.found,
        title: 'A pushed JSON line is found by LogQL',
        criteria: ['0-5.ac1', '0-5.ac4'],
        status: 'skip',
        reason: loki.unavailable,
        ...standInOf(loki),
      }),
      check({ proof: 'live',
        id: ids.latency,
        title: 'LogQL query latency for recent logs',
        criteria: ['0-5.ac6'],
        status: 'skip',
        reason: loki.unavailable,
        ...standInOf(loki),
      }),
    ];
  }
  const marker = randomUUID();
  const line = {
    timestamp: new Date().toISOString(),
    level: 'INFO',
    service: 'verify-logs',
    ...(traceId ? { trace_id: traceId } : {}),
    message: 'verify 0-5 marker line',
    marker,
  };
  const logql = `{service="verify-logs"} | json | marker="${marker}"`;
  const t0 = performance.now();
  let hit: LokiHit | undefined;
  try {
    await pushLine(loki.url, { service: 'verify-logs', level: 'INFO', collector: 'verify' }, line);
    hit = await poll(() => queryRange(loki.url, logql, 5 * 60_000), 30_000, 300);
  } catch (e) {
    const reason = `${loki.url}: ${errText(e)}`;
    return [
      check({ proof: 'live',
        id: ids.found,
        title: 'A pushed JSON line is found by LogQL',
        criteria: ['0-5.ac1', '0-5.ac4'],
        status: 'fail',
        reason,
      }),
      check({ proof: 'live',
        id: ids.latency,
        title: 'LogQL query latency for recent logs',
        criteria: ['0-5.ac6'],
        status: 'skip',
        reason: 'the line was not found',
      }),
    ];
  }
  const foundMs = Math.round(performance.now() - t0);
  const parsed = hit?.line.marker === marker;
  const found = check({ proof: 'live',
    id: ids.found,
    title: 'A pushed JSON line is found by LogQL (| json parses the seed format)',
    criteria: ['0-5.ac1', '0-5.ac4'],
    status: parsed ? 'pass' : 'fail',
    measured: foundMs,
    unit: 'ms push→found',
    evidence: logql,
    ...(parsed ? {} : { reason: 'the marker line was not returned within 30 s' }),
  });
  if (!parsed)
    return [
      found,
      check({ proof: 'live',
        id: ids.latency,
        title: 'LogQL query latency for recent logs',
        criteria: ['0-5.ac6'],
        status: 'skip',
        reason: 'the line was not found',
      }),
    ];
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const h = await queryRange(loki.url, logql, 5 * 60_000).catch(() => undefined);
    if (h) times.push(h.ms);
  }
  const med = median(times);
  return [
    found,
    check({ proof: 'live',
      id: ids.latency,
      title: 'LogQL query latency for recent logs (median of 7, last 5 min)',
      criteria: ['0-5.ac6'],
      status: times.length && med < 100 ? 'pass' : 'fail',
      measured: Math.round(med * 10) / 10,
      threshold: '< 100',
      unit: 'ms',
      evidence: `${times.length} queries: ${times.map((t) => t.toFixed(1)).join(', ')} ms`,
      ...(times.length && med < 100
        ? {}
        : { reason: times.length ? `median ${med.toFixed(1)} ms` : 'no query succeeded' }),
    }),
  ];
}

/** Alloy is shipping pod/container logs: streams labelled collector="alloy" in the last 15 minutes. */
export async function alloyCollectingCheck(ctx: PlatformContext): Promise<Check> {
  const id = `${TASK}.alloy-collecting`;
  const title = 'Alloy ships pod/container logs to Loki';
  const loki = ctx.target.endpoints().loki;
  const skip = skipFor(id, title, loki, ['0-5.ac2']);
  if (skip || !isAvailable(loki)) return skip!;
  try {
    const end = BigInt(Date.now()) * 1_000_000n;
    const start = end - 15n * 60n * 1_000_000_000n;
    const q = new URLSearchParams({
      'match[]': '{collector="alloy"}',
      start: start.toString(),
      end: end.toString(),
    });
    const r = await http(`${loki.url}/loki/api/v1/series?${q}`);
    const series = (JSON.parse(r.text) as { data?: Record<string, string>[] }).data ?? [];
    const sources = new Set(series.map((s) => s.pod ?? s.container ?? '').filter(Boolean));
    const namespaces = new Set(series.map((s) => s.namespace).filter(Boolean));
    return check({ proof: 'live',
      id,
      title,
      criteria: ['0-5.ac2'],
      status: sources.size > 0 ? 'pass' : 'fail',
      measured: sources.size,
      unit: 'pods/containers with logs (15 min)',
      threshold: '> 0',
      evidence: `series {collector="alloy"}${namespaces.size ? `; namespaces: ${[...namespaces].sort().join(', ')}` : ''}`,
      ...(sources.size
        ? {}
        : { reason: 'no stream labelled collector="alloy" in the last 15 minutes: is Alloy running?' }),
    });
  } catch (e) {
    return check({ proof: 'live', id, title, criteria: ['0-5.ac2'], status: 'fail', reason: `${loki.url}: ${errText(e)}` });
  }
}

/** The same LogQL through Grafana's Loki datasource (uid `loki`): logs are queryable in Grafana. */
export async function grafanaLokiCheck(ctx: PlatformContext): Promise<Check> {
  const id = `${TASK}.grafana-loki`;
  const title = 'Logs are queryable through the Grafana Loki datasource';
  const grafana = ctx.target.endpoints().grafana;
  const skip = skipFor(id, title, grafana, ['0-5.ac3']);
  if (skip || !isAvailable(grafana)) return skip!;
  try {
    const base = `${grafana.url}/api/datasources/proxy/uid/loki`;
    const hit = await poll(
      () => queryRange(base, '{service="verify-logs"}', 15 * 60_000, grafanaHeaders(ctx.env)),
      10_000,
      500,
    );
    return check({ proof: 'live',
      id,
      title,
      criteria: ['0-5.ac3'],
      status: hit ? 'pass' : 'fail',
      measured: hit ? Math.round(hit.ms) : undefined,
      unit: 'ms',
      evidence: `${base}/loki/api/v1/query_range {service="verify-logs"}`,
      ...(hit ? {} : { reason: 'Grafana returned no line for {service="verify-logs"}' }),
    });
  } catch (e) {
    return check({ proof: 'live',
      id,
      title,
      criteria: ['0-5.ac3'],
      status: 'fail',
      reason: `${grafana.url}: ${errText(e)} (set GRAFANA_ADMIN_USER/GRAFANA_ADMIN_PASSWORD if Grafana needs a login)`,
    });
  }
}

// ---- retention ------------------------------------------------------------------------------

async function readYaml(root: string, rel: string): Promise<Record<string, unknown>> {
  return YAML.parse(await fsp.readFile(path.join(root, rel), 'utf8')) as Record<string, unknown>;
}

const dig = (o: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    o,
  );

/** Loki's running config (GET /config) when Loki is reachable; else the k3d and compose manifests. */
export async function lokiRetentionCheck(ctx: PlatformContext): Promise<Check> {
  const id = `${TASK}.retention`;
  const title = 'Log retention is 30 days';
  const loki = ctx.target.endpoints().loki;
  try {
    if (isAvailable(loki)) {
      const r = await http(`${loki.url}/config`);
      const cfg = YAML.parse(r.text) as unknown;
      const h = hoursOf(dig(cfg, 'limits_config', 'retention_period'));
      const enabled = dig(cfg, 'compactor', 'retention_enabled') === true;
      const ok = h === 720 && enabled;
      return check({ proof: 'live',
        id,
        title,
        criteria: ['0-5.ac5'],
        status: ok ? 'pass' : 'fail',
        measured: h ?? 'unset',
        unit: 'h',
        threshold: '= 720 (30 d), compactor retention on',
        evidence: `GET ${loki.url}/config limits_config.retention_period, compactor.retention_enabled=${enabled}`,
        ...(ok
          ? {}
          : {
              reason: `running Loki: retention ${h ?? 'unset'} h, compactor retention ${enabled ? 'on' : 'off'}`,
            }),
      });
    }
    const values = await readYaml(ctx.paths.root, 'manifests/k8s/infra/loki/values.yaml');
    const compose = await readYaml(ctx.paths.root, 'manifests/compose/loki/loki.yaml');
    const k = hoursOf(dig(values, 'loki', 'limits_config', 'retention_period'));
    const c = hoursOf(dig(compose, 'limits_config', 'retention_period'));
    const on =
      dig(values, 'loki', 'compactor', 'retention_enabled') === true &&
      dig(compose, 'compactor', 'retention_enabled') === true;
    const ok = k === 720 && c === 720 && on;
    return check({ proof: 'static',
      id,
      title,
      criteria: ['0-5.ac5'],
      status: ok ? 'pass' : 'fail',
      measured: `${k ?? 'unset'}/${c ?? 'unset'}`,
      unit: 'h (k3d/compose config)',
      threshold: '= 720 (30 d)',
      evidence: `configuration, not a running Loki (${loki.unavailable}): manifests/k8s/infra/loki/values.yaml, manifests/compose/loki/loki.yaml`,
      ...(ok
        ? {}
        : {
            reason: `manifests: k3d ${k ?? 'unset'} h, compose ${c ?? 'unset'} h, compactor retention ${on ? 'on' : 'off'}`,
          }),
    });
  } catch (e) {
    return check({ proof: 'live', id, title, criteria: ['0-5.ac5'], status: 'fail', reason: errText(e) });
  }
}

/** The LogQL guide exists and carries runnable examples. */
export async function logqlDocsCheck(paths: Paths): Promise<Check> {
  const id = `${TASK}.docs`;
  const title = 'Documentation explains log querying (LogQL examples)';
  const files = ['docs/developer-guide/observability-logging.md', 'docs/developer-guide/logql-examples.md'];
  const texts = await Promise.all(
    files.map((f) => fsp.readFile(path.join(paths.root, f), 'utf8').catch(() => '')),
  );
  const queries = (texts[1] ?? '')
    .split('\n')
    .filter((l) => /^\s*(sum|count|rate|topk|avg|quantile_over_time|\{)/.test(l) && l.includes('{')).length;
  const missing = files.filter((_, i) => !texts[i]);
  const ok = missing.length === 0 && queries >= 10;
  return check({ proof: 'static',
    id,
    title,
    criteria: ['0-5.ac8'],
    status: ok ? 'pass' : 'fail',
    measured: queries,
    unit: 'LogQL queries',
    threshold: '>= 10',
    evidence: files.join(', '),
    ...(ok
      ? {}
      : { reason: missing.length ? `missing ${missing.join(', ')}` : `only ${queries} LogQL examples` }),
  });
}
