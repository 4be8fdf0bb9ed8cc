// W3C trace context through HTTP (Fastify hooks) and message headers (Kafka helpers), with an
// in-memory exporter: spans continue the caller's trace, parent links are right, logs join in.
import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import Fastify from 'fastify';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { installHttpTracing } from '../../templates/service/src/lib/http-tracing.ts';
import {
  extractContext,
  injectTraceHeaders,
  tracedProcess,
  tracedSend,
  withExtractedContext,
} from '../../templates/service/src/lib/kafka-tracing.ts';
import { createLogger } from '../../templates/service/src/lib/logging.ts';
import { startTracing, withSpan, type Tracing } from '../../templates/service/src/lib/tracing.ts';
import { trace } from '@opentelemetry/api';

async function withTracing(fn: (t: Tracing, spans: () => ReadableSpan[]) => Promise<void>): Promise<void> {
  const exporter = new InMemorySpanExporter();
  const t = startTracing({ serviceName: 'prop-test', endpoint: 'unused', exporter });
  try {
    await fn(t, () => exporter.getFinishedSpans());
  } finally {
    await t.shutdown();
  }
}

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

test('inject writes traceparent of the active span; extract restores it from object, Map and Buffer carriers', async () => {
  await withTracing(async (t) => {
    await withSpan(t.tracer, 'producer', async (span) => {
      const h = injectTraceHeaders<Record<string, string>>({});
      const sc = span.spanContext();
      assert.is(h.traceparent, `00-${sc.traceId}-${sc.spanId}-01`);
      const carriers = [
        h,
        { traceparent: Buffer.from(h.traceparent ?? '') },
        { traceparent: [Buffer.from(h.traceparent ?? '')] },
        new Map<string | Buffer, string | Buffer>([
          [Buffer.from('traceparent'), Buffer.from(h.traceparent ?? '')],
        ]),
      ];
      for (const c of carriers) {
        const remote = trace.getSpanContext(extractContext(c, trace.deleteSpan(extractContext(undefined))));
        assert.is(remote?.traceId, sc.traceId);
        assert.is(remote?.spanId, sc.spanId);
        assert.ok(remote?.isRemote);
      }
    });
    assert.equal(injectTraceHeaders({}), {}, 'outside a span nothing is injected');
    const inside = withExtractedContext(
      { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` },
      () => trace.getActiveSpan()?.spanContext().traceId,
    );
    assert.is(inside, CALLER_TRACE);
  });
});

test('tracedSend → headers → tracedProcess: one trace, CONSUMER child of PRODUCER, messaging attributes', async () => {
  await withTracing(async (t, spans) => {
    let headers: Record<string, string> = {};
    await withSpan(t.tracer, 'POST /orders', async () => {
      await tracedSend(t.tracer, 'orders.placed', (h) => {
        headers = h;
      });
    });
    // The consumer loop runs inside an unrelated span: the message's context must win.
    await withSpan(t.tracer, 'poll-loop', () =>
      tracedProcess(t.tracer, 'orders.placed', headers, async () => undefined),
    );
    await t.forceFlush();
    const byName = new Map(spans().map((s) => [s.name, s]));
    const root = byName.get('POST /orders');
    const send = byName.get('send orders.placed');
    const proc = byName.get('process orders.placed');
    assert.ok(root && send && proc, [...byName.keys()].join(', '));
    assert.is(send.kind, SpanKind.PRODUCER);
    assert.is(proc.kind, SpanKind.CONSUMER);
    assert.is(parentOf(send), root.spanContext().spanId);
    assert.is(parentOf(proc), send.spanContext().spanId);
    assert.is(proc.spanContext().traceId, root.spanContext().traceId);
    assert.is(send.attributes['messaging.system'], 'kafka');
    assert.is(send.attributes['messaging.destination.name'], 'orders.placed');
    assert.is(proc.attributes['messaging.operation.type'], 'process');
  });
});

test('tracedProcess without headers starts a new trace; a throwing handler marks the span as error', async () => {
  await withTracing(async (t, spans) => {
    await tracedProcess(t.tracer, 'x', undefined, () => undefined);
    const err = await tracedProcess(t.tracer, 'x', {}, () => {
      throw new Error('bad message');
    }).catch((e: Error) => e);
    assert.instance(err, Error);
    await t.forceFlush();
    const [ok, failed] = spans();
    assert.is(parentOf(ok!), undefined);
    assert.is(failed?.status.code, SpanStatusCode.ERROR);
    assert.is(failed?.events[0]?.name, 'exception');
  });
});

test('Fastify: a SERVER span per request continues the caller trace, named by route, status recorded; logs join it', async () => {
  await withTracing(async (t, spans) => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({
      service: 'api',
      destination: new Writable({
        write(c, _e, cb) {
          lines.push(JSON.parse(String(c)) as Record<string, unknown>);
          cb();
        },
      }),
    });
    const app = Fastify();
    installHttpTracing(app, { tracer: t.tracer });
    app.post('/orders/:id', async (req) => {
      log.info({ body: req.body }, 'order received');
      await withSpan(t.tracer, 'save', async () => undefined);
      return { ok: true };
    });
    app.get('/boom', async () => {
      throw new Error('kaboom');
    });
    app.get('/metrics', async () => 'm 1');
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/orders/42?x=1',
        headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`, 'content-type': 'application/json' },
        payload: { qty: 3 },
      });
      assert.is(res.statusCode, 200);
      const boom = await app.inject({ method: 'GET', url: '/boom' });
      assert.is(boom.statusCode, 500);
      await app.inject({ method: 'GET', url: '/metrics' });
      await t.forceFlush();
      const all = spans();
      const server = all.find((s) => s.name === 'POST /orders/:id');
      const save = all.find((s) => s.name === 'save');
      const failed = all.find((s) => s.name === 'GET /boom');
      assert.ok(server && save && failed, all.map((s) => s.name).join(', '));
      assert.is(server.kind, SpanKind.SERVER);
      assert.is(server.spanContext().traceId, CALLER_TRACE, 'continues the caller trace');
      assert.is(parentOf(server), CALLER_SPAN);
      assert.is(parentOf(save), server.spanContext().spanId, 'handler spans nest under the request');
      assert.is(server.attributes['http.route'], '/orders/:id');
      assert.is(server.attributes['url.path'], '/orders/42');
      assert.is(server.attributes['http.response.status_code'], 200);
      assert.is(res.headers.traceresponse, `00-${CALLER_TRACE}-${server.spanContext().spanId}-01`);
      assert.is(
        lines[0]?.trace_id,
        CALLER_TRACE,
        'log line inside the handler (after body parsing) has the trace id',
      );
      assert.is(failed.status.code, SpanStatusCode.ERROR);
      assert.is(failed.attributes['http.response.status_code'], 500);
      assert.not.ok(
        all.some((s) => s.name.includes('/metrics')),
        'scrapes are not traced',
      );
      assert.not.ok(
        failed.spanContext().traceId === CALLER_TRACE,
        'a request without traceparent starts its own trace',
      );
    } finally {
      await app.close();
    }
  });
});

test.run();
