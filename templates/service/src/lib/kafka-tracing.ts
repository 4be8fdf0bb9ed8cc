// Kafka produce/consume spans that carry the trace through message headers (W3C `traceparent`),
// so a request that publishes an event and the consumer that handles it are ONE trace:
//   producer: await tracedSend(tracer, topic, (headers) => producer.send({ messages: [{ value, headers }] }))
//   consumer: await tracedProcess(tracer, topic, message.headers, () => handle(message))
// Works with kafkajs (headers object) and @platformatic/kafka (headers Map). Span names and
// attributes follow the OpenTelemetry messaging semantic conventions (`send <topic>`, `process <topic>`).
//
// Packages used (the template's package.json must list them): @opentelemetry/api (+ tracing.ts's).
import { context, SpanKind, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import {
  extractContext,
  injectTraceHeaders,
  withExtractedContext,
  withSpan,
  type Carrier,
} from './tracing.ts';

export { injectTraceHeaders, withExtractedContext, extractContext, type Carrier };

const messagingAttrs = (topic: string, op: 'send' | 'process', extra?: Attributes): Attributes => ({
  'messaging.system': 'kafka',
  'messaging.destination.name': topic,
  'messaging.operation.type': op,
  'messaging.operation.name': op,
  ...extra,
});

/**
 * Runs `send` inside a PRODUCER span `send <topic>`; `send` receives headers that already hold
 * the span's `traceparent`: put them on every message it produces.
 */
export function tracedSend<T>(
  tracer: Tracer,
  topic: string,
  send: (headers: Record<string, string>) => Promise<T> | T,
  attributes?: Attributes,
): Promise<T> {
  return withSpan(tracer, `send ${topic}`, () => send(injectTraceHeaders({} as Record<string, string>)), {
    kind: SpanKind.PRODUCER,
    attributes: messagingAttrs(topic, 'send', attributes),
  });
}

/**
 * Runs `handle` inside a CONSUMER span `process <topic>` whose parent is the producer span named
 * in the message headers (or a new trace when the message carries none).
 */
export function tracedProcess<T>(
  tracer: Tracer,
  topic: string,
  headers: Carrier | undefined,
  handle: () => Promise<T> | T,
  attributes?: Attributes,
): Promise<T> {
  // Extract on top of ROOT, not the active context: a consumer loop may run inside another span.
  const parent = extractContext(headers, trace.deleteSpan(context.active()));
  return withSpan(
    tracer,
    `process ${topic}`,
    () => handle(),
    { kind: SpanKind.CONSUMER, attributes: messagingAttrs(topic, 'process', attributes) },
    parent,
  );
}
