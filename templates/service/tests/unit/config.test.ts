import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace, type Context } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { samplerOf } from '../../src/lib/tracing.ts';

test('defaults work on a developer machine', () => {
  const c = loadConfig({ SERVICE_NAME: 'orders' });
  assert.is(c.port, 8000);
  assert.equal(c.kafkaBrokers, ['127.0.0.1:19092']);
  assert.is(c.kafkaGroupId, 'orders');
  assert.is(c.otlpEndpoint, undefined);
  assert.is(c.kafkaClient, 'platformatic');
});

test('KAFKA_CLIENT picks the client; an unknown one names the valid ones', () => {
  assert.is(loadConfig({ SERVICE_NAME: 'orders', KAFKA_CLIENT: 'kafkajs' }).kafkaClient, 'kafkajs');
  assert.throws(
    () => loadConfig({ SERVICE_NAME: 'orders', KAFKA_CLIENT: 'rdkafka' }),
    (e: Error) => e.message === 'config: KAFKA_CLIENT must be one of platformatic, kafkajs',
  );
});

test('lists and numbers are parsed', () => {
  const c = loadConfig({
    SERVICE_NAME: 'orders',
    PORT: '9001',
    KAFKA_BROKERS: 'a:1, b:2',
    KAFKA_CONSUME_TOPICS: 'x,y',
    LOG_LEVEL: 'DEBUG',
  });
  assert.is(c.port, 9001);
  assert.equal(c.kafkaBrokers, ['a:1', 'b:2']);
  assert.equal(c.kafkaConsumeTopics, ['x', 'y']);
  assert.is(c.logLevel, 'debug');
});

test('a bad value names the key and the rule, never the value', () => {
  const secretish = 'not-a-port-s3cr3t';
  try {
    loadConfig({ SERVICE_NAME: 'orders', PORT: secretish });
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, 'PORT must be an integer');
    assert.not.match((e as Error).message, secretish);
  }
  assert.throws(() => loadConfig({ SERVICE_NAME: 'orders', KAFKA_BROKERS: 'no-port' }), /KAFKA_BROKERS/);
  assert.throws(() => loadConfig({ SERVICE_NAME: 'Orders' }), /SERVICE_NAME/);
  assert.throws(
    () => loadConfig({ SERVICE_NAME: 'orders', OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc:4317' }),
    /OTEL_EXPORTER_OTLP_ENDPOINT/,
  );
});

test('trace sampling: every trace by default; a ratio applies only to traces that start here', () => {
  assert.equal(loadConfig({ SERVICE_NAME: 'orders' }).traceSampler, {
    name: 'parentbased_always_on',
    ratio: 1,
  });
  const cfg = loadConfig({
    SERVICE_NAME: 'orders',
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0',
  });
  const sampler = samplerOf(cfg.traceSampler.name, cfg.traceSampler.ratio);
  const decide = (ctx: Context) =>
    sampler.shouldSample(ctx, '0af7651916cd43dd8448eb211c80319c', 'POST /events', SpanKind.SERVER, {}, [])
      .decision;
  // A caller's sampled traceparent (what the verify checks send) is recorded even at ratio 0.
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  assert.is(decide(parent), SamplingDecision.RECORD_AND_SAMPLED);
  assert.is(decide(ROOT_CONTEXT), SamplingDecision.NOT_RECORD);
  assert.is(
    samplerOf('parentbased_always_on').shouldSample(
      ROOT_CONTEXT,
      '0af7651916cd43dd8448eb211c80319c',
      'x',
      SpanKind.SERVER,
      {},
      [],
    ).decision,
    SamplingDecision.RECORD_AND_SAMPLED,
  );
  assert.throws(
    () => loadConfig({ SERVICE_NAME: 'orders', OTEL_TRACES_SAMPLER: 'jaeger_remote' }),
    /OTEL_TRACES_SAMPLER must be/,
  );
  assert.throws(
    () =>
      loadConfig({
        SERVICE_NAME: 'orders',
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '2',
      }),
    /OTEL_TRACES_SAMPLER_ARG must be a ratio/,
  );
});

test.run();
