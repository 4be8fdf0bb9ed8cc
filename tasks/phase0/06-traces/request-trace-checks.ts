// 0-6 through the trace store's query API by trace id: Tempo on k3d/compose, Jaeger v2 natively,
// where it stands in for Tempo (Tempo is AGPL and its modules are not used on these machines); the
// check names the store it found from the answer's format. Two real traces are looked up by id: the demo service's request (HTTP → Kafka produce → consume), and one
// that crosses producer → Kafka → consumer in two processes (this verify process produces onto
// the demo's topic with a traceparent; the demo service, another process, consumes it). Their log
// lines are found in VictoriaLogs by the same trace id.
import { randomBytes, randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import { check, type Check } from '../../engine/task.ts';
import type { PlatformContext } from '../../context.ts';
import { isAvailable, type Endpoint } from '../../targets/target.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { proofVia } from '../../../validation/lib/checks.ts';
import { http, poll } from '../../../validation/lib/http.ts';
import { tracedSend } from '../../../templates/service/src/lib/kafka-tracing.ts';
import { withSpan } from '../../../templates/service/src/lib/tracing.ts';
import { logsql, quote } from '../../../validation/lib/logsql.ts';
import { exclusiveTracing } from '../../../validation/lib/tracing.ts';
import { waitForTrace as pollTrace, type FoundSpan } from '../../../validation/lib/traces.ts';

const TASK = '0-6';
export const SUBSTITUTE = 'Jaeger (for Tempo)';
/** The seed's bound for "a trace is visible after the request". */
const VISIBLE_MS = 5_000;
const DEMO = 'demo-service';

const skip = (id: string, title: string, criteria: string[], reason: string) =>
  check({ id, title, criteria, proof: 'live', status: 'skip', reason });

/** waitForTrace naming the store as the report does: Jaeger stands in for Tempo natively. */
async function waitForTrace(...a: Parameters<typeof pollTrace>) {
  const r = await pollTrace(...a);
  return { ...r, store: r.store === 'jaeger' ? SUBSTITUTE : r.store === 'tempo' ? 'Tempo' : 'the trace store' };
}

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
 * The demo service's request trace and the two-process Kafka trace, found in Jaeger by id, and the
 * demo's log lines found in VictoriaLogs by the request's trace id.
 */
export async function requestTraceChecks(ctx: PlatformContext): Promise<Check[]> {
  const ep = ctx.target.endpoints();
  const ids = {
    demo: [
      `${TASK}.demo-request-trace`,
      `The demo service's request trace, every span, by trace id`,
      ['0-6.ac1', '0-6.ac4'],
    ],
    visible: [
      `${TASK}.trace-visible`,
      `A trace is visible through the query API after the request`,
      ['0-6.ac1'],
    ],
    kafka: [
      `${TASK}.kafka-two-process-trace`,
      `One trace crosses producer → Kafka → consumer in two processes`,
      ['0-6.ac4'],
    ],
    logs: [
      `${TASK}.trace-logs-in-store`,
      'The request trace id finds its log lines in the log store (VictoriaLogs for Loki)',
      ['0-6.ac5'],
    ],
  } as const;
  const all = Object.values(ids);
  const store = ep.traceQuery;
  if (!isAvailable(store)) return all.map(([id, t, c]) => skip(id, t, [...c], store.unavailable));
  if (!isAvailable(ep.demo) || !isAvailable(ep.kafka))
    return all.map(([id, t, c]) => skip(id, t, [...c], 'needs the demo service and Kafka'));
  const demo = ep.demo.url;
  const ready = await http(`${demo}/ready`, { timeoutMs: 5_000 }).catch(() => undefined);
  if (ready?.status !== 200)
    return all.map(([id, t, c]) =>
      skip(
        id,
        t,
        [...c],
        `the demo service does not answer at ${demo}/ready: run \`npx tsx tasks.ts up\` first`,
      ),
    );
  const out: Check[] = [];

  // 1. The demo's own request: SERVER POST /events → PRODUCER send → CONSUMER process.
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  const post = await http(`${demo}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ type: 'verify.trace', payload: { check: '0-6' } }),
    timeoutMs: 15_000,
  }).catch((e: unknown) => ({ status: 0, text: errText(e), ms: 0 }));
  const answered = Date.now();
  const want: [string, string][] = [
    [DEMO, 'POST /events'],
    [DEMO, 'send '],
    [DEMO, 'process '],
  ];
  if (post.status !== 201) {
    const why = `POST ${demo}/events answered ${post.status}: ${post.text.slice(0, 150)}`;
    out.push(
      check({
        id: ids.demo[0],
        title: ids.demo[1],
        criteria: [...ids.demo[2]],
        ...proofVia(ep.traceQuery),
        status: 'fail',
        reason: why,
      }),
    );
    out.push(skip(ids.visible[0], ids.visible[1], [...ids.visible[2]], 'no request trace'));
  } else {
    const r = await waitForTrace(store.url, traceId, answered, (s) => chainProblems(s, want).length === 0);
    const problems = r.visibleMs === undefined ? chainProblems(r.spans, want) : [];
    out.push(
      check({
        id: ids.demo[0],
        title: `${ids.demo[1]} (${r.store})`,
        criteria: [...ids.demo[2]],
        ...proofVia(ep.traceQuery),
        status: problems.length ? 'fail' : 'pass',
        measured: r.spans.length,
        unit: 'spans',
        evidence: `GET ${store.url}/api/traces/${traceId}: ${r.spans.map((s) => `${s.service}:${s.name}`).join(' → ')}`,
        ...(problems.length ? { reason: `${problems.join('; ')}${r.error ? ` (${r.error})` : ''}` } : {}),
      }),
    );
    const v = r.visibleMs;
    out.push(
      check({
        id: ids.visible[0],
        title: `${ids.visible[1]} (${r.store})`,
        criteria: [...ids.visible[2]],
        ...proofVia(ep.traceQuery),
        status: v !== undefined && v < VISIBLE_MS ? 'pass' : 'fail',
        measured: v ?? 'not visible in 15 s',
        unit: v === undefined ? undefined : 'ms',
        threshold: `< ${VISIBLE_MS}`,
        evidence: `from the 201 of POST /events to every span answered by /api/traces/${traceId} (the demo's exporter batches every 1 s)`,
        ...(v !== undefined && v < VISIBLE_MS
          ? {}
          : { reason: v === undefined ? 'the trace never became complete' : `${v} ms` }),
      }),
    );
  }

  // 2. Two processes: this process produces onto the demo's topic; the demo consumes.
  const topic = ctx.env.DEMO_EVENTS_TOPIC ?? 'demo.events';
  const PRODUCER = 'verify-producer';
  try {
    const kafka = new Kafka({ clientId: 'verify-0-6', brokers: [ep.kafka.url], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    let sentAt = 0;
    let kTrace = '';
    try {
      kTrace = await exclusiveTracing(
        {
          serviceName: PRODUCER,
          endpoint: ep.otlpGrpc && isAvailable(ep.otlpGrpc) ? ep.otlpGrpc.url : '',
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
    } finally {
      await producer.disconnect();
    }
    const wantK: [string, string][] = [
      [PRODUCER, 'send '],
      [DEMO, 'process '],
    ];
    const r = await waitForTrace(store.url, kTrace, sentAt, (s) => chainProblems(s, wantK).length === 0);
    const problems = r.visibleMs === undefined ? chainProblems(r.spans, wantK) : [];
    const services = [...new Set(r.spans.map((s) => s.service))].sort();
    out.push(
      check({
        id: ids.kafka[0],
        title: `${ids.kafka[1]} (${r.store})`,
        criteria: [...ids.kafka[2]],
        ...proofVia(ep.traceQuery),
        status: problems.length ? 'fail' : 'pass',
        measured: services.length,
        unit: 'processes in one trace',
        threshold: '2',
        evidence: `topic ${topic}; GET ${store.url}/api/traces/${kTrace}: ${r.spans.map((s) => `${s.service}:${s.name}`).join(' → ')}${r.visibleMs !== undefined ? ` (complete ${r.visibleMs} ms after the send)` : ''}`,
        ...(problems.length ? { reason: problems.join('; ') } : {}),
      }),
    );
  } catch (e) {
    out.push(
      check({
        id: ids.kafka[0],
        title: ids.kafka[1],
        criteria: [...ids.kafka[2]],
        ...proofVia(ep.traceQuery),
        status: 'fail',
        reason: errText(e),
      }),
    );
  }

  // 3. The request's trace id finds the demo's log lines in the log store.
  if (post.status !== 201) out.push(skip(ids.logs[0], ids.logs[1], [...ids.logs[2]], 'no request trace'));
  else if (!isAvailable(ep.logsql))
    out.push(skip(ids.logs[0], ids.logs[1], [...ids.logs[2]], ep.logsql.unavailable));
  else {
    const rows = await linesOfTrace(ep.logsql, traceId).catch(() => []);
    const fromDemo = rows.filter((r) => r.service === DEMO);
    out.push(
      check({
        id: ids.logs[0],
        title: ids.logs[1],
        criteria: [...ids.logs[2]],
        ...proofVia(ep.logsql),
        status: fromDemo.length > 0 ? 'pass' : 'fail',
        measured: fromDemo.length,
        unit: 'demo-service lines',
        threshold: '> 0',
        evidence: `LogsQL trace_id:"${traceId}" → ${rows
          .map((r) => `${r.service}: ${r._msg}`)
          .slice(0, 4)
          .join(' | ')}`,
        ...(fromDemo.length
          ? {}
          : { reason: 'no demo-service line carries the request trace id in VictoriaLogs within 20 s' }),
      }),
    );
  }
  return out;
}
