// The demo service's own code (replaces the template's src/service.ts; everything else is the
// template as generated): POST /events validates and produces an event to Kafka and answers with
// where the broker stored it; the consumer reads the topic back and GET /events/stream relays
// every consumed event to its Server-Sent Events clients.
import { trace } from '@opentelemetry/api';
import { Gauge } from 'prom-client';
import type { CreateService } from './app.ts';
import { newEvent, parseEvent, postEventSchema, type PostEventBody } from './events.ts';
import { createSseHub } from './sse.ts';

/** The demo's topic; the service creates it at start when missing. */
export const EVENTS_TOPIC = process.env.EVENTS_TOPIC?.trim() || 'demo.events';
const EVENTS_PARTITIONS = 3;

export const createService: CreateService = ({ config, logger, bus, metrics }) => {
  const clientsGauge = new Gauge({
    name: 'demo_sse_clients',
    help: 'Clients connected to GET /events/stream',
    registers: [metrics.registry],
  });
  const hub = createSseHub({ onChange: (n) => clientsGauge.set(n) });

  return {
    topics: [{ topic: EVENTS_TOPIC, partitions: EVENTS_PARTITIONS }],

    routes(app) {
      app.get('/v1/info', async () => ({
        service: config.serviceName,
        description:
          'Phase-0 demo: POST /events produces to Kafka, GET /events/stream streams what the consumer reads',
        topic: EVENTS_TOPIC,
      }));

      app.post<{ Body: PostEventBody }>('/events', { schema: postEventSchema }, async (req, reply) => {
        const event = newEvent(req.body);
        // A BusUnavailableError here becomes a 503 in the shared error handler; the process stays up.
        const delivery = await bus.produce(EVENTS_TOPIC, {
          key: req.body.key ?? event.id,
          value: JSON.stringify(event),
        });
        // The access line (app.ts) carries where the event went: one INFO line per request under
        // load (issue 25: three lines a request were an eighth of the demo's CPU). LOG_LEVEL=debug
        // adds a line per step, this one and the consumer's.
        req.logFields = {
          event_id: event.id,
          type: event.type,
          partition: delivery.partition,
          offset: delivery.offset,
        };
        req.log.debug({ event_id: event.id, type: event.type, ...delivery }, 'event produced');
        const traceId = trace.getActiveSpan()?.spanContext().traceId;
        return reply.code(201).send({
          id: event.id,
          topic: delivery.topic,
          partition: delivery.partition,
          offset: delivery.offset,
          traceId,
        });
      });

      app.get('/events/stream', (req, reply) => hub.attach(req, reply));
    },

    consume: {
      topics: [EVENTS_TOPIC],
      handle: async (m) => {
        const event = parseEvent(m.value);
        if (!event) {
          logger.warn(
            { topic: m.topic, partition: m.partition, offset: m.offset },
            'skipped a message that is not a demo event',
          );
          return;
        }
        // Inside the CONSUMER span: this line carries the producing request's trace_id. At debug:
        // the request's access line already says which event went where.
        if (logger.isLevelEnabled('debug'))
          logger.debug(
            {
              event_id: event.id,
              type: event.type,
              topic: m.topic,
              partition: m.partition,
              offset: m.offset,
              clients: hub.clients,
            },
            'event consumed',
          );
        const traceId = trace.getActiveSpan()?.spanContext().traceId;
        hub.broadcast(
          'event',
          { ...event, topic: m.topic, partition: m.partition, offset: m.offset, traceId },
          `${m.partition}:${m.offset}`,
        );
      },
    },

    close: () => hub.close(),
  };
};
