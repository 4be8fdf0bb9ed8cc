// The followed request's trace and log line: one trace HTTP → produce → consume in the trace
// store (natively Jaeger, standing in for Tempo), and the demo's access line carrying its trace_id
// (in Loki where the target has one; natively the demo's own log file).
// What the seed asks of a request's logs (0-13 "Verify log in Loki", 0-6.ac5 "trace_id in logs")
// is its line with the trace id. The demo writes ONE line per request at INFO, the access line
// `request`, which also names the event it produced (event_id); the per-step lines (`event
// produced`, `event consumed`) are at debug since issue 25 (three lines a request were an eighth
// of the demo's CPU under load). That the consumer ran inside the trace is shown by the CONSUMER
// span (0-13.demo-trace) and the SSE push (0-13.demo-sse), not by a log line.
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEMO_SERVICE } from '../../targets/target.ts';
import { defineCheck } from '../../../validation/lib/define-check.ts';
import { poll } from '../../../validation/lib/http.ts';
import { queryRange } from '../../../validation/lib/logs.ts';
import { lookupTrace, type FoundSpan } from '../../../validation/lib/traces.ts';
import { isFollowed, produced } from './request-checks.ts';
import type { Followed } from './follow.ts';

const TRACE_WAIT_MS = 30_000;
const LOGS_TITLE = "The request's access log line carries its trace_id and names the event it produced";
/** The access line the template's app.ts writes per request. */
const ACCESS_LINE = 'request';

/** What is wrong with the request's access line among `lines` (empty: there, naming the event). */
export function accessLineProblems(
  lines: readonly Record<string, unknown>[],
  f: { traceId: string; eventId?: string | undefined },
): string[] {
  const access = lines.find((l) => l.message === ACCESS_LINE);
  if (!access) return [`no "${ACCESS_LINE}" line with trace_id ${f.traceId}`];
  if (f.eventId && access.event_id !== f.eventId)
    return [
      `the "${ACCESS_LINE}" line names event ${String(access.event_id ?? '(none)')}, the 201 said ${f.eventId}`,
    ];
  return [];
}

const eventIdOf = (f: Followed): string | undefined =>
  f.post && 'body' in f.post ? f.post.body.id : undefined;

/** The chain the demo must produce: SERVER `POST /events` → PRODUCER `send <topic>` → CONSUMER `process <topic>`. */
export function traceProblems(spans: FoundSpan[]): string[] {
  const demo = spans.filter((s) => s.service === DEMO_SERVICE);
  const server = demo.find((s) => s.name === 'POST /events');
  const producer = demo.find((s) => s.name.startsWith('send '));
  const consumer = demo.find((s) => s.name.startsWith('process '));
  const out: string[] = [];
  if (!server) out.push('no SERVER span "POST /events" from demo-service');
  if (!producer) out.push('no PRODUCER span "send <topic>"');
  if (!consumer) out.push('no CONSUMER span "process <topic>"');
  if (out.length) return out;
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ancestors = (s: FoundSpan) => {
    const seen = new Set<string>();
    for (let p = s.parentSpanId; p && !seen.has(p); p = byId.get(p)?.parentSpanId) seen.add(p);
    return seen;
  };
  if (!ancestors(producer!).has(server!.spanId))
    out.push('the produce span is not inside the HTTP request span');
  if (consumer!.parentSpanId !== producer!.spanId)
    out.push('the consume span does not continue the produce span (Kafka header propagation)');
  return out;
}

export const demoTrace = defineCheck(
  {
    id: '0-13.demo-trace',
    // Where a stand-in stores the traces (native: Jaeger for Tempo), this trace is the one 0-13.ac6 asks for.
    criteria: ['0-13.ac6'],
    title: 'One trace spans the HTTP request, the Kafka produce and the consume (demo service)',
    proof: 'live',
    needs: 'traceQuery',
  },
  async (tq, ctx) => {
    const f = await produced(ctx);
    if (!isFollowed(f)) return f;
    const backend = tq.substitute
      ? `${tq.substitute.by} (for ${tq.substitute.for}) ${tq.url}`
      : `Tempo ${tq.url}`;
    const t0 = Date.now();
    let spans: FoundSpan[] = [];
    let problems: string[] = ['no span yet'];
    await poll(
      async () => {
        spans = await lookupTrace(tq.url, f.traceId);
        problems = traceProblems(spans);
        return problems.length === 0 ? true : undefined;
      },
      TRACE_WAIT_MS,
      500,
    );
    const names = spans.map((s) => `${s.name}${s.parentSpanId ? '' : ' (root)'}`).join(', ');
    return {
      measured: spans.length,
      unit: 'spans',
      evidence: `trace ${f.traceId} in the ${backend}: ${names || 'none'} (found after ${Date.now() - t0} ms)`,
      problems,
    };
  },
);

/** Where Tempo itself does not run (natively Jaeger stands in): the target's reason, and the stand-in. */
export const demoTraceTempo = defineCheck(
  {
    id: '0-13.demo-trace-tempo',
    criteria: ['0-13.ac6'],
    title: 'Demo service traces in Tempo',
    proof: 'live',
    needs: 'tempo',
  },
  () => ({ skip: 'Tempo answers here: 0-13.demo-trace looked the trace up in it' }),
);

export const demoLogsLoki = defineCheck(
  { id: '0-13.demo-logs-trace-id', criteria: ['0-13.ac5'], title: LOGS_TITLE, proof: 'live', needs: 'loki' },
  async (loki, ctx) => {
    const f = await produced(ctx);
    if (!isFollowed(f)) return f;
    const logql = `{service="${DEMO_SERVICE}"} | json | trace_id="${f.traceId}" | message="${ACCESS_LINE}"`;
    const hit = await poll(() => queryRange(loki.url, logql, 10 * 60_000), 30_000, 500);
    return {
      evidence: `Loki ${logql}`,
      problems: hit
        ? accessLineProblems([hit.line], { traceId: f.traceId, eventId: eventIdOf(f) })
        : [`Loki returned no "${ACCESS_LINE}" line with the trace id within 30 s`],
    };
  },
);

export const demoLogsLokiSkip = defineCheck(
  {
    id: '0-13.demo-logs-loki',
    criteria: ['0-13.ac5'],
    title: 'Demo service logs in Loki',
    proof: 'live',
    needs: 'loki',
  },
  () => ({ skip: 'Loki answers here: 0-13.demo-logs-trace-id queried it' }),
);

/** The JSON lines of `file` that carry `traceId` as their trace_id. */
async function linesWith(file: string, traceId: string): Promise<Record<string, unknown>[]> {
  const text = await fs.readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.includes(traceId))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    })
    .filter((l) => l.trace_id === traceId);
}

/** Without Loki: the demo's own log file where the target keeps one (native); no store, so no criterion. */
export const demoLogsFile = defineCheck(
  { id: '0-13.demo-logs-trace-id', title: LOGS_TITLE, proof: 'live' },
  async (_, ctx) => {
    const f = await produced(ctx);
    if (!isFollowed(f)) return f;
    const file = (await ctx.target.components.demo?.facts?.(ctx))?.logFile;
    const loki = ctx.target.endpoints().loki;
    if (!file)
      return {
        skip: `no log store to query on ${ctx.target.name}: ${'unavailable' in loki ? loki.unavailable : ''}`,
      };
    const want = { traceId: f.traceId, eventId: eventIdOf(f) };
    let lines: Record<string, unknown>[] = [];
    await poll(
      async () => {
        lines = await linesWith(file, f.traceId);
        return accessLineProblems(lines, want).length === 0 ? true : undefined;
      },
      15_000,
      300,
    );
    const messages = [...new Set(lines.map((l) => String(l.message)))];
    return {
      measured: lines.length,
      unit: 'lines',
      evidence: `${path.relative(ctx.paths.root, file)}: ${lines.length} JSON lines with trace_id ${f.traceId}: ${messages.join(', ')}`,
      problems: accessLineProblems(lines, want),
    };
  },
);
