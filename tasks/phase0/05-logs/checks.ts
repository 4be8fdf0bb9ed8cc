// Checks of seed task 0-5 (logs), as data. The log format is proven on the library itself; the
// Loki checks use only the target's endpoints: Loki's HTTP API for a line the check itself pushed,
// Grafana's datasource proxy for the same query. Where the target marks Loki or Grafana
// unavailable (native), the runner skips with that reason and the stand-in; natively
// victorialogs-checks.ts checks the store that stands in for Loki.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import YAML from 'yaml';
import type { PlatformContext } from '../../context.ts';
import { isAvailable } from '../../targets/target.ts';
import { grafanaHeaders, http, poll } from '../../../validation/lib/http.ts';
import { defineCheck, type DefinedCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { createLogger, REDACTED } from '../../../templates/service/src/lib/logging.ts';
import { hoursOf, pushLine, queryRange, type LokiHit } from '../../../validation/lib/logs.ts';
import { exclusiveTracing } from '../../../validation/lib/tracing.ts';
import { percentile } from '../../../validation/lib/percentile.ts';
import { perVerify } from '../../../validation/lib/per-verify.ts';

const SEED_FIELDS = ['timestamp', 'level', 'service', 'trace_id', 'message'] as const;

/** Lines createLogger writes inside a span, and that span's trace id. */
async function loggedInSpan(): Promise<{ lines: string[]; traceId: string }> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  const log = createLogger({ service: 'market-data', destination: sink, level: 'info' });
  const traceId = await exclusiveTracing(
    { serviceName: 'verify-logs', endpoint: 'unused', exporter: new InMemorySpanExporter() },
    async (t) => {
      const span = t.tracer.startSpan('format-check');
      context.with(trace.setSpan(context.active(), span), () =>
        log.info({ symbol: 'AAPL', price: 150.25, password: 'canary-secret-0-5' }, 'Candle processed'),
      );
      span.end();
      return span.spanContext().traceId;
    },
  );
  return { lines, traceId };
}

// In-process, into memory: it proves the logger's format, not that a store parses it (0-5.ac4)
// or that a service's logs carry its traces (0-6.ac5); those are the store's checks.
const logFormat = defineCheck(
  {
    id: '0-5.log-format',
    title: 'Structured JSON log line in the seed format, with the active trace id and redaction',
    proof: 'static',
  },
  async () => {
    const { lines, traceId } = await loggedInSpan();
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
    if (obj.trace_id !== traceId) problems.push('trace_id is not the active span');
    if (obj.symbol !== 'AAPL' || obj.price !== 150.25) problems.push('fields not kept');
    if (obj.password !== REDACTED || lines.join('\n').includes('canary-secret-0-5'))
      problems.push('secret not redacted');
    return {
      measured: `${SEED_FIELDS.filter((f) => f in obj).length}/${SEED_FIELDS.length}`,
      threshold: `${SEED_FIELDS.length}/${SEED_FIELDS.length} seed fields`,
      unit: 'fields',
      evidence: (lines[0] ?? '').slice(0, 300),
      problems,
    };
  },
);

// ---- Loki -----------------------------------------------------------------------------------

const lokiReady = defineCheck(
  { id: '0-5.loki-ready', criteria: ['0-5.ac1'], title: 'Loki answers /ready', proof: 'live', needs: 'loki' },
  async (loki) => {
    const r = await http(`${loki.url}/ready`, { timeoutMs: 5_000 });
    return {
      measured: Math.round(r.ms),
      unit: 'ms',
      evidence: `GET ${loki.url}/ready → ${r.status} ${r.text.trim().slice(0, 60)}`,
      problems: r.status === 200 ? [] : [`Loki /ready answered ${r.status}`],
    };
  },
);

/** A seed-format line with a unique marker, pushed, then found by LogQL (parsed with `| json`). */
async function pushAndFind(lokiUrl: string): Promise<{ logql: string; foundMs: number; hit?: LokiHit }> {
  const marker = randomUUID();
  const line = {
    timestamp: new Date().toISOString(),
    level: 'INFO',
    service: 'verify-logs',
    message: 'verify 0-5 marker line',
    marker,
  };
  const logql = `{service="verify-logs"} | json | marker="${marker}"`;
  const t0 = performance.now();
  await pushLine(lokiUrl, { service: 'verify-logs', level: 'INFO', collector: 'verify' }, line);
  const hit = await poll(() => queryRange(lokiUrl, logql, 5 * 60_000), 30_000, 300);
  return {
    logql,
    foundMs: Math.round(performance.now() - t0),
    ...(hit?.line.marker === marker ? { hit } : {}),
  };
}
const pushedOf = perVerify((_: PlatformContext, url: string) => pushAndFind(url));

const lokiQuery = defineCheck(
  {
    id: '0-5.loki-query',
    criteria: ['0-5.ac1', '0-5.ac4'],
    title: 'A pushed JSON line is found by LogQL (| json parses the seed format)',
    proof: 'live',
    needs: 'loki',
  },
  async (loki, ctx) => {
    const p = await pushedOf(ctx, loki.url);
    return {
      measured: p.foundMs,
      unit: 'ms push→found',
      evidence: p.logql,
      problems: p.hit ? [] : ['the marker line was not returned within 30 s'],
    };
  },
);

/** The seed wants < 100 ms for recent logs: the median of 7 runs of the query that found the line. */
const lokiLatency = defineCheck(
  {
    id: '0-5.loki-query-latency',
    criteria: ['0-5.ac6'],
    title: 'LogQL query latency for recent logs (median of 7, last 5 min)',
    proof: 'live',
    needs: 'loki',
    bound: { below: 100, unit: 'ms' },
  },
  async (loki, ctx): Promise<Measurement> => {
    const p = await pushedOf(ctx, loki.url).catch(() => undefined);
    if (!p?.hit) return { skip: 'the line was not found' };
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const h = await queryRange(loki.url, p.logql, 5 * 60_000).catch(() => undefined);
      if (h) times.push(h.ms);
    }
    if (!times.length) throw new Error('no query succeeded');
    return {
      measured: Math.round(percentile(times, 50) * 10) / 10,
      evidence: `${times.length} queries: ${times.map((t) => t.toFixed(1)).join(', ')} ms`,
    };
  },
);

/** Alloy is shipping pod/container logs: streams labelled collector="alloy" in the last 15 minutes. */
const alloyCollecting = defineCheck(
  {
    id: '0-5.alloy-collecting',
    criteria: ['0-5.ac2'],
    title: 'Alloy ships pod/container logs to Loki',
    proof: 'live',
    needs: 'loki',
    bound: { atLeast: 1, unit: 'pods/containers with logs (15 min)' },
  },
  async (loki) => {
    const end = BigInt(Date.now()) * 1_000_000n;
    const start = end - 15n * 60n * 1_000_000_000n;
    const q = new URLSearchParams({ 'match[]': '{collector="alloy"}', start: `${start}`, end: `${end}` });
    const r = await http(`${loki.url}/loki/api/v1/series?${q}`);
    const series = (JSON.parse(r.text) as { data?: Record<string, string>[] }).data ?? [];
    const sources = new Set(series.map((s) => s.pod ?? s.container ?? '').filter(Boolean));
    const namespaces = [...new Set(series.map((s) => s.namespace).filter(Boolean))].sort();
    return {
      measured: sources.size,
      evidence: `series {collector="alloy"}${namespaces.length ? `; namespaces: ${namespaces.join(', ')}` : ''}`,
      problems: sources.size
        ? []
        : ['no stream labelled collector="alloy" in the last 15 minutes: is Alloy running?'],
    };
  },
);

/** The same LogQL through Grafana's Loki datasource (uid `loki`): logs are queryable in Grafana. */
const grafanaLoki = defineCheck(
  {
    id: '0-5.grafana-loki',
    criteria: ['0-5.ac3'],
    title: 'Logs are queryable through the Grafana Loki datasource',
    proof: 'live',
    needs: 'grafana',
  },
  async (grafana, ctx) => {
    const base = `${grafana.url}/api/datasources/proxy/uid/loki`;
    const hit = await poll(
      () => queryRange(base, '{service="verify-logs"}', 15 * 60_000, grafanaHeaders(ctx.env)),
      10_000,
      500,
    );
    return {
      ...(hit ? { measured: Math.round(hit.ms) } : {}),
      unit: 'ms',
      evidence: `${base}/loki/api/v1/query_range {service="verify-logs"}`,
      problems: hit
        ? []
        : [
            'Grafana returned no line for {service="verify-logs"} (set GRAFANA_ADMIN_USER/GRAFANA_ADMIN_PASSWORD if Grafana needs a login)',
          ],
    };
  },
);

// ---- retention ------------------------------------------------------------------------------

async function readYaml(root: string, rel: string): Promise<Record<string, unknown>> {
  return YAML.parse(await fsp.readFile(path.join(root, rel), 'utf8')) as Record<string, unknown>;
}

const dig = (o: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    o,
  );

/** The k3d and compose manifests' retention, where no Loki runs to ask. */
async function manifestRetention(ctx: PlatformContext, unavailable: string): Promise<Measurement> {
  const values = await readYaml(ctx.paths.root, 'manifests/k8s/infra/loki/values.yaml');
  const compose = await readYaml(ctx.paths.root, 'manifests/compose/loki/loki.yaml');
  const k = hoursOf(dig(values, 'loki', 'limits_config', 'retention_period'));
  const c = hoursOf(dig(compose, 'limits_config', 'retention_period'));
  const on =
    dig(values, 'loki', 'compactor', 'retention_enabled') === true &&
    dig(compose, 'compactor', 'retention_enabled') === true;
  return {
    proof: { proof: 'static' },
    measured: `${k ?? 'unset'}/${c ?? 'unset'}`,
    unit: 'h (k3d/compose config)',
    threshold: '= 720 (30 d)',
    evidence: `configuration, not a running Loki (${unavailable}): manifests/k8s/infra/loki/values.yaml, manifests/compose/loki/loki.yaml`,
    problems:
      k === 720 && c === 720 && on
        ? []
        : [
            `manifests: k3d ${k ?? 'unset'} h, compose ${c ?? 'unset'} h, compactor retention ${on ? 'on' : 'off'}`,
          ],
  };
}

/** Loki's running config (GET /config) when Loki is reachable; else the k3d and compose manifests. */
const retention = defineCheck(
  { id: '0-5.retention', criteria: ['0-5.ac5'], title: 'Log retention is 30 days', proof: 'live' },
  async (_, ctx) => {
    const loki = ctx.target.endpoints().loki;
    if (!isAvailable(loki)) return manifestRetention(ctx, loki.unavailable);
    const cfg = YAML.parse((await http(`${loki.url}/config`)).text) as unknown;
    const h = hoursOf(dig(cfg, 'limits_config', 'retention_period'));
    const enabled = dig(cfg, 'compactor', 'retention_enabled') === true;
    return {
      measured: h ?? 'unset',
      unit: 'h',
      threshold: '= 720 (30 d), compactor retention on',
      evidence: `GET ${loki.url}/config limits_config.retention_period, compactor.retention_enabled=${enabled}`,
      problems:
        h === 720 && enabled
          ? []
          : [`running Loki: retention ${h ?? 'unset'} h, compactor retention ${enabled ? 'on' : 'off'}`],
    };
  },
);

/** The LogQL guide exists and carries runnable examples. */
const docs = defineCheck(
  {
    id: '0-5.docs',
    criteria: ['0-5.ac8'],
    title: 'Documentation explains log querying (LogQL examples)',
    proof: 'static',
    bound: { atLeast: 10, unit: 'LogQL queries' },
  },
  async (_, ctx) => {
    const files = ['docs/developer-guide/observability-logging.md', 'docs/developer-guide/logql-examples.md'];
    const texts = await Promise.all(
      files.map((f) => fsp.readFile(path.join(ctx.paths.root, f), 'utf8').catch(() => '')),
    );
    const queries = (texts[1] ?? '')
      .split('\n')
      .filter((l) => /^\s*(sum|count|rate|topk|avg|quantile_over_time|\{)/.test(l) && l.includes('{')).length;
    const missing = files.filter((_, i) => !texts[i]);
    return {
      measured: queries,
      evidence: files.join(', '),
      problems: missing.length ? [`missing ${missing.join(', ')}`] : [],
    };
  },
);

export const FORMAT_CHECK = logFormat;
export const LOKI_CHECKS: readonly DefinedCheck[] = [
  lokiReady,
  lokiQuery,
  lokiLatency,
  alloyCollecting,
  grafanaLoki,
  retention,
];
export const DOCS_CHECK = docs;
