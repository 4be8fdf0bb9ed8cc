// 0-6 through the trace store's query API by trace id: Tempo on k3d/compose, Jaeger v2 natively,
// where it stands in for Tempo (Tempo is AGPL and its modules are not used on these machines); the
// check names the store it found from the answer's format. Two real traces are looked up by id: the demo service's request (HTTP → Kafka produce → consume), and one
// that crosses producer → Kafka → consumer in two processes (this verify process produces onto
// the demo's topic with a traceparent; the demo service, another process, consumes it). Their log
// lines are found in VictoriaLogs by the same trace id.
import '../../kafkajs-quiet.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import type { Check } from '../../engine/task.ts';
import type { PlatformContext } from '../../context.ts';
import { isAvailable, type Endpoint } from '../../targets/target.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { proofVia } from '../../../validation/lib/checks.ts';
import { defineCheck, runChecks, type Measurement } from '../../../validation/lib/define-check.ts';
import { http, poll, type HttpResult } from '../../../validation/lib/http.ts';
import { tracedSend } from '../../../templates/service/src/lib/kafka-tracing.ts';
import { withSpan } from '../../../templates/service/src/lib/tracing.ts';
import { logsql, quote } from '../../../validation/lib/logsql.ts';
import { exclusiveTracing } from '../../../validation/lib/tracing.ts';
import { waitForTrace, type FoundSpan } from '../../../validation/lib/traces.ts';
import { perVerify } from '../../../validation/lib/per-verify.ts';

export const SUBSTITUTE = 'Jaeger (for Tempo)';
/** The seed's bound for "a trace is visible after the request". */
const VISIBLE_MS = 5_000;
const DEMO = 'demo-service';

/** The store that answered, named as the report does: Jaeger stands in for Tempo natively. */
const storeName = (s: string | undefined) =>
  s === 'jaeger' ? SUBSTITUTE : s === 'tempo' ? 'Tempo' : 'the trace store';

const chain = (spans: FoundSpan[], names: [string, string][]) =>
  names.map(([service, prefix]) => spans.find((s) => s.service === service && s.name.startsWith(prefix)));

/** The parent links of a SERVER → PRODUCER → CONSUMER chain, as problems (empty when right). */
function chainProblems(spans: FoundSpan[], want: [string, string][]): string[] {
  const found = chain(spans, want);
  const out = want.flatMap(([svc, name], i) => (found[i] ? [] : [`no span '${name}…' from ${svc}`]));
  if (out.length) return out;
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const isAncestor = (a: FoundSpan, d: FoundSpan) => {
    for (let p = byId.get(d.parentSpanId ?? ''); p; p = byId.get(p.parentSpanId ?? ''))
      if (p === a) return true;
    return false;
  };
  for (let i = 1; i < found.length; i++)
    if (!isAncestor(found[i - 1]!, found[i]!))
      out.push(`'${found[i]!.name}' is not below '${found[i - 1]!.name}'`);
  return out;
}

/** VictoriaLogs lines of one trace (empty when the target has no VictoriaLogs). */
async function linesOfTrace(vl: Endpoint, traceId: string): Promise<Record<string, string>[]> {
  if (!isAvailable(vl)) return [];
  const found = await poll(
    async () => {
      const { rows } = await logsql(vl.url, `trace_id:${quote(traceId)}`, { limit: 50 });
      return rows.length ? rows : undefined;
    },
    20_000,
    500,
  );
  return found ?? [];
}

/**
 * The demo must be ready before its request is traced. Right after `up`, or after 0-3's durability
 * check restarted the broker, its /ready answers 503 until its consumer has rejoined: wait for 200,
 * bounded. Nothing listening at all for a few seconds means it is not running (a skip naming the
 * task that starts it); an answer other than 200 for the whole wait is a failure.
 */
export const DEMO_READY_WAIT_MS = 30_000;
const NOT_LISTENING_MS = 5_000;

async function demoReady(demo: string): Promise<{ waitedMs: number } | { skip: string } | { fail: string }> {
  const t0 = Date.now();
  let last: HttpResult | undefined;
  let error = '';
  for (;;) {
    const r = await http(`${demo}/ready`, { timeoutMs: 5_000 }).catch(
      (e: unknown) => ((error = errText(e)), undefined),
    );
    if (r?.status === 200) return { waitedMs: Date.now() - t0 };
    if (r) last = r;
    const waited = Date.now() - t0;
    if (!last && waited > NOT_LISTENING_MS)
      return {
        skip: `the demo service does not answer at ${demo}/ready (${error}): start it with \`npx tsx tasks.ts up 0-13\``,
      };
    if (waited > DEMO_READY_WAIT_MS)
      return {
        fail: `${demo}/ready answered ${last?.status ?? error} for ${Math.round(waited / 1000)} s: ${last?.text.slice(0, 120) ?? ''}`,
      };
    await new Promise((res) => setTimeout(res, 500));
  }
}

type Waited = Awaited<ReturnType<typeof waitForTrace>>;
type DemoTrip =
  | { skip: string }
  | { fail: string }
  | { demo: string; store: string; traceId: string; post: HttpResult; readyMs: number; trace?: Waited };

const WANT: [string, string][] = [
  [DEMO, 'POST /events'],
  [DEMO, 'send '],
  [DEMO, 'process '],
];

/** One demo request per verify, traced with our own traceparent; every check below reads it. */
const demoTrip = perVerify((ctx: PlatformContext): Promise<DemoTrip> => tracedDemoRequest(ctx));

async function tracedDemoRequest(ctx: PlatformContext): Promise<DemoTrip> {
  const ep = ctx.target.endpoints();
  if (!isAvailable(ep.traceQuery)) return { skip: ep.traceQuery.unavailable };
  if (!isAvailable(ep.demo) || !isAvailable(ep.kafka)) return { skip: 'needs the demo service and Kafka' };
  const demo = ep.demo.url;
  const ready = await demoReady(demo);
  if (!('waitedMs' in ready)) return ready;
  // The demo's own request: SERVER POST /events → PRODUCER send → CONSUMER process.
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  const post = await http(`${demo}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ type: 'verify.trace', payload: { check: '0-6' } }),
    timeoutMs: 15_000,
  }).catch((e: unknown) => ({ status: 0, text: errText(e), ms: 0 }));
  const answered = Date.now();
  const base = { demo, store: ep.traceQuery.url, traceId, post, readyMs: ready.waitedMs };
  if (post.status !== 201) return base;
  return {
    ...base,
    trace: await waitForTrace(
      ep.traceQuery.url,
      traceId,
      answered,
      (s) => chainProblems(s, WANT).length === 0,
    ),
  };
}

/** The request's trace, or why there is none (a failed POST fails the first check, skips the rest). */
async function requestTrace(ctx: PlatformContext, postFailed: 'fail' | 'skip') {
  const t = await demoTrip(ctx);
  if ('skip' in t) return { m: { skip: t.skip } as Measurement };
  if ('fail' in t) throw new Error(t.fail);
  if (!t.trace) {
    const why = `POST ${t.demo}/events answered ${t.post.status}: ${t.post.text.slice(0, 150)}`;
    if (postFailed === 'fail') throw new Error(why);
    return { m: { skip: 'no request trace' } as Measurement };
  }
  return { t, trace: t.trace };
}

const demoRequestTrace = defineCheck(
  {
    id: '0-6.demo-request-trace',
    criteria: ['0-6.ac1', '0-6.ac4'],
    title: "The demo service's request trace, every span, by trace id",
    needs: 'traceQuery',
    proof: 'live',
  },
  async (_, ctx): Promise<Measurement> => {
    const r = await requestTrace(ctx, 'fail');
    if (!r.trace) return r.m;
    const { t, trace } = r;
    const problems = trace.visibleMs === undefined ? chainProblems(trace.spans, WANT) : [];
    return {
      measured: trace.spans.length,
      unit: 'spans',
      evidence: `${storeName(trace.store)}: GET ${t.store}/api/traces/${t.traceId}: ${trace.spans.map((s) => `${s.service}:${s.name}`).join(' → ')} (demo ready after ${t.readyMs} ms)`,
      problems: problems.length ? [`${problems.join('; ')}${trace.error ? ` (${trace.error})` : ''}`] : [],
    };
  },
);

const traceVisible = defineCheck(
  {
    id: '0-6.trace-visible',
    criteria: ['0-6.ac1'],
    title: 'A trace is visible through the query API after the request',
    needs: 'traceQuery',
    proof: 'live',
    bound: { below: VISIBLE_MS, unit: 'ms' },
  },
  async (_, ctx): Promise<Measurement> => {
    const r = await requestTrace(ctx, 'skip');
    if (!r.trace) return r.m;
    const v = r.trace.visibleMs;
    return {
      ...(v !== undefined
        ? { measured: v }
        : { measured: 'not visible in 15 s', problems: ['the trace never became complete'] }),
      evidence: `${storeName(r.trace.store)}: from the 201 of POST /events to every span answered by /api/traces/${r.t.traceId} (the demo's exporter batches every 1 s)`,
    };
  },
);

/** This process produces onto the demo's topic with a traceparent; the demo, another process, consumes. */
async function produceTraced(
  ctx: PlatformContext,
  kafkaUrl: string,
  topic: string,
): Promise<{ traceId: string; sentAt: number }> {
  const ep = ctx.target.endpoints();
  const kafka = new Kafka({ clientId: 'verify-0-6', brokers: [kafkaUrl], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  let sentAt = 0;
  try {
    const traceId = await exclusiveTracing(
      {
        serviceName: PRODUCER,
        endpoint: isAvailable(ep.otlpGrpc) ? ep.otlpGrpc.url : '',
        scheduledDelayMillis: 100,
      },
      async (t) => {
        const id = await withSpan(
          t.tracer,
          'verify two-process trace',
          async (root) => {
            await tracedSend(t.tracer, topic, (headers) =>
              producer.send({
                topic,
                messages: [
                  {
                    key: 'verify-0-6',
                    value: JSON.stringify({
                      id: randomUUID(),
                      type: 'verify.kafka',
                      payload: { check: '0-6' },
                      producedAt: new Date().toISOString(),
                    }),
                    headers,
                  },
                ],
              }),
            );
            return root.spanContext().traceId;
          },
          { kind: SpanKind.INTERNAL },
        );
        await t.forceFlush();
        sentAt = Date.now();
        return id;
      },
    );
    return { traceId, sentAt };
  } finally {
    await producer.disconnect();
  }
}

const PRODUCER = 'verify-producer';

const kafkaTwoProcess = defineCheck(
  {
    id: '0-6.kafka-two-process-trace',
    criteria: ['0-6.ac4'],
    title: 'One trace crosses producer → Kafka → consumer in two processes',
    needs: 'traceQuery',
    proof: 'live',
  },
  async (store, ctx): Promise<Measurement> => {
    const t = await demoTrip(ctx);
    if ('skip' in t) return { skip: t.skip };
    const kafka = ctx.target.endpoints().kafka;
    if (!isAvailable(kafka)) return { skip: kafka.unavailable };
    const topic = ctx.env.DEMO_EVENTS_TOPIC ?? 'demo.events';
    const sent = await produceTraced(ctx, kafka.url, topic);
    const want: [string, string][] = [
      [PRODUCER, 'send '],
      [DEMO, 'process '],
    ];
    const r = await waitForTrace(
      store.url,
      sent.traceId,
      sent.sentAt,
      (s) => chainProblems(s, want).length === 0,
    );
    const services = [...new Set(r.spans.map((s) => s.service))].sort();
    return {
      measured: services.length,
      unit: 'processes in one trace',
      threshold: '2',
      evidence: `${storeName(r.store)}: topic ${topic}; GET ${store.url}/api/traces/${sent.traceId}: ${r.spans.map((s) => `${s.service}:${s.name}`).join(' → ')}${r.visibleMs !== undefined ? ` (complete ${r.visibleMs} ms after the send)` : ''}`,
      problems: r.visibleMs === undefined ? chainProblems(r.spans, want) : [],
    };
  },
);

const traceLogsInStore = defineCheck(
  {
    id: '0-6.trace-logs-in-store',
    criteria: ['0-6.ac5'],
    title: 'The request trace id finds its log lines in the log store (VictoriaLogs for Loki)',
    needs: 'traceQuery',
    proof: 'live',
  },
  async (_, ctx): Promise<Measurement> => {
    const r = await requestTrace(ctx, 'skip');
    if (!r.trace) return r.m;
    const vl = ctx.target.endpoints().logsql;
    if (!isAvailable(vl)) return { skip: vl.unavailable };
    const rows = await linesOfTrace(vl, r.t.traceId).catch(() => []);
    const fromDemo = rows.filter((row) => row.service === DEMO);
    return {
      proof: proofVia(vl),
      measured: fromDemo.length,
      unit: 'demo-service lines',
      threshold: '> 0',
      evidence: `LogsQL trace_id:"${r.t.traceId}" → ${rows
        .map((row) => `${row.service}: ${row._msg}`)
        .slice(0, 4)
        .join(' | ')}`,
      problems: fromDemo.length
        ? []
        : ['no demo-service line carries the request trace id in VictoriaLogs within 20 s'],
    };
  },
);

/**
 * The demo service's request trace and the two-process Kafka trace, found in the trace store by
 * id, and the demo's log lines found in VictoriaLogs by the request's trace id.
 */
export const REQUEST_TRACE = [demoRequestTrace, traceVisible, kafkaTwoProcess, traceLogsInStore];
export const requestTraceChecks = (ctx: PlatformContext): Promise<Check[]> => runChecks(ctx, REQUEST_TRACE);
