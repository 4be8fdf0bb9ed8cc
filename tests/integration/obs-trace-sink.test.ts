// The real OTLP gRPC exporter (templates/service/src/lib/tracing.ts) against the development trace
// sink over real gRPC on loopback: what is sent is what the sink stores and finds by trace id.
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
} from '../../tasks/targets/native/trace-sink/otlp-proto.ts';
import { exportRaw } from '../../tasks/targets/native/trace-sink/probe.ts';
import { startTraceSink, type TraceSink } from '../../tasks/targets/native/trace-sink/server.ts';
import { findTrace } from '../../tasks/targets/native/trace-sink/spans.ts';
import { startTracing, withSpan } from '../../templates/service/src/lib/tracing.ts';

async function withSink(fn: (sink: TraceSink, dir: string) => Promise<void>): Promise<void> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'obs-sink-'));
  const sink = await startTraceSink({ port: 0, dir });
  try {
    await fn(sink, dir);
  } finally {
    await sink.close();
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

test('exporter → sink over gRPC: service.name, span names, attributes, parent/child ids', async () => {
  await withSink(async (sink, dir) => {
    const tracing = startTracing({
      serviceName: 'obs-exporter-test',
      endpoint: `http://127.0.0.1:${sink.port}`,
    });
    let traceId = '';
    let parentId = '';
    let childId = '';
    try {
      await withSpan(
        tracing.tracer,
        'handle-order',
        async (parent) => {
          traceId = parent.spanContext().traceId;
          parentId = parent.spanContext().spanId;
          await withSpan(tracing.tracer, 'price-lookup', async (child) => {
            childId = child.spanContext().spanId;
            child.setAttribute('symbol', 'AAPL');
            child.setAttribute('price', 150.25);
            child.setAttribute('quantity', 42);
          });
        },
        { kind: SpanKind.SERVER, attributes: { 'http.route': '/orders' } },
      );
      await tracing.forceFlush();
    } finally {
      await tracing.shutdown();
    }
    const spans = await findTrace(dir, traceId);
    assert.is(spans.length, 2, 'both spans stored');
    const parent = spans.find((s) => s.name === 'handle-order');
    const child = spans.find((s) => s.name === 'price-lookup');
    assert.ok(parent && child, `span names: ${spans.map((s) => s.name).join(', ')}`);
    assert.is(parent.service, 'obs-exporter-test');
    assert.is(parent.resource['service.name'], 'obs-exporter-test');
    assert.is(parent.spanId, parentId);
    assert.is(parent.parentSpanId, undefined, 'root span has no parent');
    assert.is(parent.kind, 'SERVER');
    assert.is(parent.attributes['http.route'], '/orders');
    assert.is(child.spanId, childId);
    assert.is(child.parentSpanId, parentId, 'child points at its parent');
    assert.is(child.traceId, traceId);
    assert.equal(child.attributes, { symbol: 'AAPL', price: 150.25, quantity: 42 });
    assert.ok(child.durationMs >= 0 && parent.durationMs >= child.durationMs);
    assert.is(sink.stats.spans, 2);
  });
});

test('sink rejects garbage bytes with INVALID_ARGUMENT and keeps serving', async () => {
  await withSink(async (sink, dir) => {
    const address = `127.0.0.1:${sink.port}`;
    // 0xff… is field 31 with wire type 7, which does not exist in protobuf: decoding must fail.
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x13, 0x37, 0x00, 0x42]);
    const err = await exportRaw(address, garbage).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    assert.ok(err, 'garbage must not be accepted');
    assert.is(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /does not decode/);
    assert.is(sink.stats.badRequests, 1);

    // Still serving: a well-formed request right after is stored.
    const traceId = Buffer.alloc(16, 7);
    const body = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hand-made' } }] },
            scopeSpans: [
              { spans: [{ traceId, spanId: Buffer.alloc(8, 1), name: 'after-garbage', kind: 1 }] },
            ],
          },
        ],
      }),
    ).finish();
    await exportRaw(address, Buffer.from(body));
    const spans = await findTrace(dir, traceId.toString('hex'));
    assert.is(spans.length, 1);
    assert.is(spans[0]?.name, 'after-garbage');
    assert.is(spans[0]?.service, 'hand-made');
  });
});

test('sink answers partial success for spans with malformed ids and stores the valid ones', async () => {
  await withSink(async (sink, dir) => {
    const good = Buffer.alloc(16, 9);
    const body = ExportTraceServiceRequest.encode(
      ExportTraceServiceRequest.fromObject({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [
                  { traceId: Buffer.alloc(8, 1), spanId: Buffer.alloc(8, 1), name: 'short-trace-id' },
                  { traceId: good, spanId: Buffer.alloc(8, 0), name: 'zero-span-id' },
                  { traceId: good, spanId: Buffer.alloc(8, 2), name: 'ok' },
                ],
              },
            ],
          },
        ],
      }),
    ).finish();
    const res = ExportTraceServiceResponse.toObject(
      ExportTraceServiceResponse.decode(await exportRaw(`127.0.0.1:${sink.port}`, Buffer.from(body))),
      { longs: Number },
    ) as { partialSuccess?: { rejectedSpans?: number; errorMessage?: string } };
    assert.is(res.partialSuccess?.rejectedSpans, 2);
    assert.match(res.partialSuccess?.errorMessage ?? '', /trace_id must be 16/);
    const spans = await findTrace(dir, good.toString('hex'));
    assert.equal(
      spans.map((s) => s.name),
      ['ok'],
    );
    assert.is(spans[0]?.service, 'unknown_service');
  });
});

test.run();
