// Wraps any EventBus with the platform's conventions: a PRODUCER span per send whose context
// travels in the message headers, a CONSUMER span per handled message continuing that trace,
// and the kafka_messages_{produced,consumed}_total counters the dashboards query.
import type { Tracer } from '@opentelemetry/api';
import { tracedProcess, tracedSend } from '../lib/kafka-tracing.ts';
import type { Metrics } from '../metrics.ts';
import type { EventBus } from './bus.ts';

export function instrumentBus(bus: EventBus, deps: { tracer: Tracer; metrics: Metrics }): EventBus {
  const { tracer, metrics } = deps;
  return {
    ensureTopics: (topics) => bus.ensureTopics(topics),
    ready: () => bus.ready(),
    close: () => bus.close(),
    produce: async (topic, message) => {
      try {
        const delivery = await tracedSend(
          tracer,
          topic,
          (trace) => bus.produce(topic, { ...message, headers: { ...message.headers, ...trace } }),
          message.key === undefined ? undefined : { 'messaging.kafka.message.key': message.key },
        );
        metrics.kafkaProduced.inc({ topic });
        return delivery;
      } catch (e) {
        metrics.kafkaProduceErrors.inc({ topic });
        throw e;
      }
    },
    consume: (options, handler) =>
      bus.consume(options, async (m) => {
        await tracedProcess(tracer, m.topic, m.headers, () => handler(m), {
          'messaging.destination.partition.id': String(m.partition),
          'messaging.kafka.offset': Number(m.offset),
        });
        metrics.kafkaConsumed.inc({ topic: m.topic });
      }),
  };
}
