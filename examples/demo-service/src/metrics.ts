// Prometheus metrics. The names and labels are a contract: the platform's recording rules,
// alerts and dashboards query exactly these series, so rename nothing here.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  httpRequests: Counter<'method' | 'route' | 'status_code'>;
  kafkaProduced: Counter<'topic'>;
  kafkaConsumed: Counter<'topic'>;
  kafkaProduceErrors: Counter<'topic'>;
}

/** A registry of its own (not the global one), so tests can build several apps in one process. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route template and status code',
      labelNames,
      registers: [registry],
    }),
    kafkaProduced: new Counter({
      name: 'kafka_messages_produced_total',
      help: 'Kafka messages acknowledged by the broker, by topic',
      labelNames: ['topic'],
      registers: [registry],
    }),
    kafkaConsumed: new Counter({
      name: 'kafka_messages_consumed_total',
      help: 'Kafka messages handled by this service, by topic',
      labelNames: ['topic'],
      registers: [registry],
    }),
    kafkaProduceErrors: new Counter({
      name: 'kafka_produce_errors_total',
      help: 'Kafka produce calls that failed, by topic',
      labelNames: ['topic'],
      registers: [registry],
    }),
  };
}
