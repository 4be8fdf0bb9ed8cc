// This service's own code: its routes and what it does with consumed messages. Start here.
// Everything else (probes, metrics, logs, traces, Kafka, shutdown) is the shared skeleton.
import type { CreateService } from './app.ts';

export const createService: CreateService = ({ config, logger }) => ({
  // Topics this service owns, created at start when missing, e.g. { topic: 'orders.placed', partitions: 3 }.
  topics: [],

  routes(app) {
    app.get('/v1/info', async () => ({
      service: config.serviceName,
      description: '__SERVICE_DESCRIPTION__',
    }));
  },

  // Consumes the topics listed here plus KAFKA_CONSUME_TOPICS. Each call runs inside a CONSUMER
  // span that continues the producer's trace, so this log line carries the producer's trace_id.
  consume: {
    topics: [],
    handle: async (message) => {
      logger.info(
        { topic: message.topic, partition: message.partition, offset: message.offset },
        'message consumed',
      );
    },
  },
});
