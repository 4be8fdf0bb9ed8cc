// A producer → consumer trace through a REAL Kafka broker (tests/support/kafka-broker.ts) is one
// trace: the producer service puts `traceparent` in the message headers, the consumer service
// continues it; both export over real OTLP gRPC to Jaeger v2 (the native trace store), which stores one
// trace with spans of both services and the consumer span a child of the producer span.
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startScratchJaeger } from '../../tasks/targets/native/scratch-jaeger.ts';
import { poll } from '../../validation/lib/http.ts';
import { tracedProcess, tracedSend } from '../../templates/service/src/lib/kafka-tracing.ts';
import { createLogger } from '../../templates/service/src/lib/logging.ts';
import { startTracing, withSpan } from '../../templates/service/src/lib/tracing.ts';
import { sharedTestBroker } from '../support/kafka-broker.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';
import { createTopicsReady } from '../../tasks/topics.ts';

interface JaegerSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind?: string;
  attributes: Record<string, unknown>;
}

/** The trace as Jaeger's query API returns it, with each span's kind and tags. */
async function jaegerSpans(query: string, traceId: string): Promise<JaegerSpan[]> {
  const r = await fetch(`${query}/api/traces/${traceId}`);
  if (r.status === 404) return [];
  const body = (await r.json()) as {
    data?: {
      spans: {
        traceID: string;
        spanID: string;
        operationName: string;
        processID: string;
        references?: { refType: string; spanID: string }[];
        tags?: { key: string; value: unknown }[];
      }[];
      processes: Record<string, { serviceName: string }>;
    }[];
  };
  return (body.data ?? []).flatMap((t) =>
    t.spans.map((s) => {
      const attributes = Object.fromEntries((s.tags ?? []).map((x) => [x.key, x.value]));
      const parent = s.references?.find((x) => x.refType === 'CHILD_OF')?.spanID;
      return {
        traceId: s.traceID,
        spanId: s.spanID,
        ...(parent ? { parentSpanId: parent } : {}),
        name: s.operationName,
        service: t.processes[s.processID]?.serviceName ?? '',
        kind: typeof attributes['span.kind'] === 'string' ? attributes['span.kind'].toUpperCase() : undefined,
        attributes,
      };
    }),
  );
}

test('producer → real Kafka broker → consumer is one trace across two services; consumer logs carry its id', async () => {
  const jaeger = await startScratchJaeger();
  const broker = await sharedTestBroker();
  const endpoint = jaeger.otlpGrpc;
  const api = startTracing({ serviceName: 'orders-api', endpoint, scheduledDelayMillis: 100 });
  const worker = startTracing({
    serviceName: 'orders-worker',
    endpoint,
    register: false,
    scheduledDelayMillis: 100,
  });
  const kafka = new Kafka({
    clientId: 'obs-trace-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `obs-trace-${Date.now()}` });
  const topic = `obs.trace.${Date.now()}`;
  const logged: Record<string, unknown>[] = [];
  const log = createLogger({
    service: 'orders-worker',
    destination: new Writable({
      write(c, _e, cb) {
        logged.push(JSON.parse(String(c)) as Record<string, unknown>);
        cb();
      },
    }),
  });
  try {
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsReady(admin, [{ topic, numPartitions: 1 }]);
    await admin.disconnect();
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveHandled: (traceId: string) => void = () => undefined;
    const handled = new Promise<string>((r) => (resolveHandled = r));
    await consumer.run({
      eachMessage: async ({ message }) => {
        await tracedProcess(worker.tracer, topic, message.headers, async () => {
          log.info({ orderId: message.key?.toString() }, 'order handled');
          resolveHandled(trace.getActiveSpan()?.spanContext().traceId ?? '');
        });
      },
    });

    let sentTrace = '';
    await withSpan(api.tracer, 'POST /orders', async (root) => {
      sentTrace = root.spanContext().traceId;
      await tracedSend(api.tracer, topic, (headers) =>
        producer.send({
          topic,
          acks: -1,
          messages: [{ key: 'order-1', value: JSON.stringify({ qty: 1 }), headers }],
        }),
      );
    });
    const handledTrace = await Promise.race([
      handled,
      new Promise<string>((_, reject) =>
        setTimeout(() => reject(new Error('message not consumed within 60 s')), 60_000),
      ),
    ]);
    assert.is(handledTrace, sentTrace, 'consumer span runs in the producer trace');
    await api.forceFlush();
    await worker.forceFlush();

    const spans =
      (await poll(async () => {
        const all = await jaegerSpans(jaeger.query, sentTrace);
        return all.length >= 3 ? all : undefined;
      }, HANG_GUARD_MS)) ?? [];
    const byName = new Map(spans.map((s) => [s.name, s]));
    const root = byName.get('POST /orders');
    const send = byName.get(`send ${topic}`);
    const proc = byName.get(`process ${topic}`);
    assert.ok(root && send && proc, `spans found: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
    assert.is(root.service, 'orders-api');
    assert.is(send.service, 'orders-api');
    assert.is(proc.service, 'orders-worker');
    assert.is(send.kind, 'PRODUCER');
    assert.is(proc.kind, 'CONSUMER');
    assert.is(send.parentSpanId, root.spanId);
    assert.is(
      proc.parentSpanId,
      send.spanId,
      'consumer span is a child of the producer span, across the broker',
    );
    assert.is(proc.attributes['messaging.destination.name'], topic);
    assert.is(logged[0]?.trace_id, sentTrace, "the consumer's log line carries the trace id");
    assert.is(logged[0]?.span_id, proc.spanId);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await worker.shutdown();
    await api.shutdown();
    await broker.stop();
    await jaeger.stop();
  }
});

test.run();
