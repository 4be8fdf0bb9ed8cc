// 0-6's own round trip, as data: the check sends one two-service trace through the service
// library's real OTLP exporter (checks.ts sendVerifyTrace) and finds it again through the
// target's `traceQuery` (Tempo; natively Jaeger standing in for it). Four checks read that one
// outcome: the trace arrived (0-6.ac1), the SDK that sent it is configured (0-6.ac2, the
// JavaScript SDK standing in for the seed's Python one), its structure (0-6.ac4) and the log
// lines written inside it carry its id and are found by it in the log store (0-6.ac5).
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { PlatformContext } from '../../context.ts';
import { isAvailable } from '../../targets/target.ts';
import { SUBSTITUTES, proofVia } from '../../../validation/lib/checks.ts';
import { defineCheck, runChecks, type Measurement } from '../../../validation/lib/define-check.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { poll } from '../../../validation/lib/http.ts';
import { pushLine, queryRange } from '../../../validation/lib/logs.ts';
import { logsql, quote } from '../../../validation/lib/logsql.ts';
import { lookupTrace, type FoundSpan } from '../../../validation/lib/traces.ts';
import type { Check } from '../../engine/task.ts';
import { GATEWAY, sendVerifyTrace, structureProblems, type SentTrace } from './checks.ts';
import { perVerify } from '../../../validation/lib/per-verify.ts';

type Trip =
  | { skip: string }
  | { sendError: string }
  | {
      sent: SentTrace;
      found: FoundSpan[];
      waitMs: number;
      lastError: string;
      via: string;
      where: string;
      logFile?: string;
    };

/** One round trip per verify: every check below reads the same outcome. */
const tripOf = perVerify((ctx: PlatformContext): Promise<Trip> => roundTrip(ctx));

async function roundTrip(ctx: PlatformContext): Promise<Trip> {
  const ep = ctx.target.endpoints();
  if (!isAvailable(ep.otlpGrpc)) return { skip: ep.otlpGrpc.unavailable };
  if (!isAvailable(ep.traceQuery)) return { skip: ep.traceQuery.unavailable };
  // Where a collector ships .platform/logs into a LogsQL store (native), the lines go to a file
  // there like any service's, and are found again in the store by trace id.
  const logFile = isAvailable(ep.logsql) ? path.join(ctx.paths.logs, 'verify-traces.log') : undefined;
  if (logFile) await fsp.mkdir(ctx.paths.logs, { recursive: true });
  let sent: SentTrace;
  try {
    sent = await sendVerifyTrace(ep.otlpGrpc.url, logFile);
  } catch (e) {
    const msg = errText(e);
    return {
      sendError: /UNAVAILABLE|ECONNREFUSED/.test(msg)
        ? `nothing accepts OTLP on ${ep.otlpGrpc.url}: bring the trace receiver up (npx tsx tasks.ts up 0-6)`
        : `sending to ${ep.otlpGrpc.url}: ${msg}`,
    };
  }
  const traceUrl = ep.traceQuery.url;
  const t0 = performance.now();
  let lastError = '';
  const found =
    (await poll(
      async () => {
        try {
          const spans = await lookupTrace(traceUrl, sent.traceId);
          return spans.length >= sent.expected.size ? spans : undefined;
        } catch (e) {
          lastError = errText(e);
          return undefined;
        }
      },
      60_000,
      500,
    )) ?? (await lookupTrace(traceUrl, sent.traceId).catch(() => [] as FoundSpan[]));
  return {
    sent,
    found,
    waitMs: Math.round(performance.now() - t0),
    lastError,
    via: ep.otlpGrpc.url,
    where: `${traceUrl}/api/traces/${sent.traceId}`,
    ...(logFile ? { logFile } : {}),
  };
}

/** The spans found against the spans sent; a send that failed is this check's failure. */
async function arrived(ctx: PlatformContext): Promise<Measurement> {
  const t = await tripOf(ctx);
  if ('skip' in t) return { skip: t.skip };
  if ('sendError' in t) throw new Error(t.sendError);
  const want = t.sent.expected.size;
  const complete = t.found.length >= want;
  return {
    measured: `${t.found.length}/${want}`,
    unit: 'spans',
    threshold: `${want}/${want}`,
    evidence: `trace ${t.sent.traceId} via ${t.via} (TypeScript OpenTelemetry SDK, batch processor); found in ${t.where} after ${t.waitMs} ms`,
    problems: complete
      ? []
      : [
          `only ${t.found.length} of ${want} spans after ${t.waitMs} ms${t.lastError ? `; last error: ${t.lastError}` : ''}`,
        ],
  };
}

/** A sent trace, or the skip the later checks report when none was sent. */
async function sentTrip(ctx: PlatformContext) {
  const t = await tripOf(ctx);
  if ('skip' in t) return { skip: t.skip };
  if ('sendError' in t) return { skip: 'no trace was sent' };
  return t;
}

const received = defineCheck(
  {
    id: '0-6.trace-received',
    criteria: ['0-6.ac1'],
    title: 'A trace sent through the OTLP gRPC exporter arrives in the trace store',
    needs: 'traceQuery',
    proof: 'live',
  },
  (_, ctx) => arrived(ctx),
);

// 0-6.ac2 is about the SDK, not the store: its stand-in is the JavaScript SDK for the Python one.
const sdk = defineCheck(
  {
    id: '0-6.sdk-exports',
    criteria: ['0-6.ac2'],
    title: 'The OpenTelemetry SDK the services use is configured: its OTLP exporter delivers a whole trace',
    needs: 'otlpGrpc',
    proof: 'substitute',
    substitute: SUBSTITUTES.pythonOtelSdk,
  },
  (_, ctx) => arrived(ctx),
);

const structure = defineCheck(
  {
    id: '0-6.trace-structure',
    criteria: ['0-6.ac4'],
    title: 'The trace spans two services with the right names and parent/child links',
    needs: 'traceQuery',
    proof: 'live',
  },
  async (_, ctx): Promise<Measurement> => {
    const t = await sentTrip(ctx);
    if ('skip' in t) return t;
    const complete = t.found.length >= t.sent.expected.size;
    const services = [...new Set(t.found.map((s) => s.service))].sort();
    return {
      measured: services.length,
      unit: 'services in one trace',
      threshold: '2',
      evidence: t.found.map((s) => `${s.service}:${s.name}`).join(' → '),
      problems: complete ? structureProblems(t.sent, t.found) : ['trace incomplete'],
    };
  },
);

/** Where Loki runs: the gateway's line, pushed as Alloy would ship it, is found by its trace id. */
async function inLoki(url: string, sent: SentTrace): Promise<Measurement> {
  const lines = sent.logLines;
  await pushLine(url, { service: GATEWAY, level: 'INFO', collector: 'verify' }, lines[0] ?? {});
  const logql = `{service="${GATEWAY}"} | json | trace_id="${sent.traceId}"`;
  const hit = await poll(() => queryRange(url, logql, 5 * 60_000), 30_000, 300);
  return {
    measured: `${lines.length}/${lines.length}`,
    unit: 'lines with the trace id',
    evidence: `Loki: ${logql}`,
    problems: hit ? [] : ['Loki did not return the line by trace_id within 30 s'],
  };
}

/** VictoriaLogs (for Loki): the collector shipped verify-traces.log; LogsQL finds the lines. */
async function inLogsql(url: string, sent: SentTrace): Promise<Measurement> {
  const lines = sent.logLines;
  const q = `trace_id:${quote(sent.traceId)}`;
  const rows =
    (await poll(
      async () => {
        const r = await logsql(url, q, { limit: 50 });
        return r.rows.length >= lines.length ? r.rows : undefined;
      },
      20_000,
      500,
    )) ?? [];
  return {
    measured: `${rows.length}/${lines.length}`,
    unit: 'lines found by trace id',
    evidence: `VictoriaLogs for Loki: ${url} LogsQL ${q}: ${rows.map((r) => `${r.service}: ${r._msg}`).join(' | ')}`,
    problems:
      rows.length === lines.length
        ? []
        : [`${rows.length} of ${lines.length} lines found by trace id within 20 s`],
  };
}

const logCorrelation = defineCheck(
  {
    id: '0-6.trace-log-correlation',
    criteria: ['0-6.ac5'],
    title: 'Log lines written inside the trace carry its trace_id',
    proof: 'live',
  },
  async (_, ctx): Promise<Measurement> => {
    const t = await sentTrip(ctx);
    if ('skip' in t) return t;
    const lines = t.sent.logLines;
    const wrong = lines.filter((l) => l.trace_id !== t.sent.traceId);
    if (lines.length < 2 || wrong.length)
      return {
        measured: `${lines.length - wrong.length}/${lines.length}`,
        unit: 'lines',
        problems: [`lines without the trace id: ${JSON.stringify(wrong[0] ?? 'no lines')}`],
      };
    const { loki, logsql: store } = ctx.target.endpoints();
    if (isAvailable(loki))
      return inLoki(loki.url, t.sent).catch((e) => Promise.reject(new Error(`${loki.url}: ${errText(e)}`)));
    if (isAvailable(store)) return { ...(await inLogsql(store.url, t.sent)), proof: proofVia(store) };
    return { skip: `no log store to look the lines up in: ${loki.unavailable}; ${store.unavailable}` };
  },
);

export const ROUND_TRIP = [received, sdk, structure, logCorrelation];

/** Runs the round-trip checks; the trace id, when one was sent, is for the Grafana check. */
export async function traceRoundTripChecks(
  ctx: PlatformContext,
): Promise<{ checks: Check[]; traceId?: string }> {
  const checks = await runChecks(ctx, ROUND_TRIP);
  const t = await tripOf(ctx);
  return { checks, ...('sent' in t ? { traceId: t.sent.traceId } : {}) };
}
