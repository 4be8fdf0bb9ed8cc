// The HTTP server every service shares: probes, metrics, request logs and spans, error shape.
// The service's own routes and message handler live in service.ts and plug in through
// ServiceParts, so this file stays identical across services (and regenerates cleanly).
import { STATUS_CODES } from 'node:http';
import { context, trace, type Span, type Tracer } from '@opentelemetry/api';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import type { Config } from './config.ts';
import {
  BusUnavailableError,
  MessageTooLargeError,
  type EventBus,
  type MessageHandler,
  type TopicSpec,
} from './kafka/bus.ts';
import { installHttpTracing, DEFAULT_IGNORED_PATHS } from './lib/http-tracing.ts';
import { recordError } from './lib/tracing.ts';
import type { Logger } from './lib/logging.ts';
import type { Metrics } from './metrics.ts';

export interface ServiceDeps {
  config: Config;
  logger: Logger;
  tracer: Tracer;
  metrics: Metrics;
  bus: EventBus;
}

/** What a service adds to the shared server. */
export interface ServiceParts {
  /** Topics the service owns: created at start when missing. */
  topics?: TopicSpec[];
  /** Registers the service's routes on the server. */
  routes(app: FastifyInstance): void | Promise<void>;
  /** The consumer: topics (plus KAFKA_CONSUME_TOPICS) and the handler of each message. */
  consume?: { topics: string[]; fromBeginning?: boolean; handle: MessageHandler };
  /** Shutdown, before the HTTP server drains: end long-lived responses (streams) here. */
  close?(): void | Promise<void>;
}

export type CreateService = (deps: ServiceDeps) => ServiceParts;

// Request, reply and error schemas of the probes: also documentation of the contract.
const healthSchema = {
  response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } },
};

declare module 'fastify' {
  interface FastifyRequest {
    traceSpan?: Span;
    /**
     * Fields a route adds to the request's one access line (e.g. the id of what it created), so a
     * request is one INFO line at load rather than one per step; per-step lines belong at debug.
     */
    logFields?: Record<string, unknown>;
  }
}

/** Lifecycle flags /ready reports: messaging not started yet, or draining for shutdown. */
export interface ServerState {
  shuttingDown: boolean;
  /** `starting` until the service's topics exist and its consumer was started (startMessaging). */
  messaging: 'starting' | 'started';
}

/** Builds the server (not listening yet). */
export async function buildServer(
  deps: ServiceDeps,
  parts: ServiceParts,
  state: ServerState = { shuttingDown: false, messaging: 'started' },
): Promise<FastifyInstance> {
  const { logger, metrics, bus } = deps;
  const app = Fastify({
    // pino's Logger and Fastify's logger type differ only in generics; the instance is the same.
    loggerInstance: logger as FastifyBaseLogger,
    // One line per request is written below, inside the request's trace; Fastify's pair is noise.
    logController: new LogController({ disableRequestLogging: true }),
    // Idle keep-alive sockets close on shutdown so close() only waits for real work.
    forceCloseConnections: 'idle',
    bodyLimit: 1_048_576,
    // Unknown fields are an error the caller should see (Fastify's default silently drops them).
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  });

  installHttpTracing(app, { tracer: deps.tracer });

  // Runs inside the request's span (registered after the tracing hook): keep it for the log line.
  app.addHook('onRequest', async (req) => {
    req.traceSpan = trace.getSpan(context.active());
  });

  const quiet = new Set(DEFAULT_IGNORED_PATHS);
  app.addHook('onResponse', async (req, reply) => {
    // Route template, never the raw URL: raw paths would explode the label cardinality.
    const route = req.routeOptions.url ?? 'unmatched';
    const labels = { method: req.method, route, status_code: String(reply.statusCode) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    const fields = {
      method: req.method,
      route,
      url: req.url,
      status_code: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      ...req.logFields,
    };
    const write = () => (quiet.has(route) ? logger.debug(fields, 'request') : logger.info(fields, 'request'));
    if (req.traceSpan) context.with(trace.setSpan(context.active(), req.traceSpan), write);
    else write();
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof BusUnavailableError) {
      req.log.warn({ error: err.message }, 'event bus unavailable');
      return reply.code(503).send({ error: 'Service Unavailable', message: err.message });
    }
    if (err instanceof MessageTooLargeError) {
      req.log.warn({ error: err.message }, 'message refused by the broker as too large');
      return reply.code(413).send({ error: 'Payload Too Large', message: err.message });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ error: err.message, stack: err.stack }, 'request failed');
    // 4xx messages describe the caller's mistake; 5xx details stay in the log.
    return reply.code(status).send({
      error: STATUS_CODES[status] ?? 'Error',
      ...(status < 500 && err.code ? { code: err.code } : {}),
      message: status >= 500 ? 'internal error; see the service log' : err.message,
    });
  });

  app.get('/health', { schema: healthSchema }, async () => ({ status: 'ok' }));

  app.get('/ready', async (_req, reply) => {
    if (state.shuttingDown) return reply.code(503).send({ status: 'shutting-down', checks: {} });
    const kafka = await bus.ready();
    // A consumer started later would begin at the latest offset and miss what is produced meanwhile.
    if (kafka.ok && state.messaging !== 'started') kafka.detail += '; topics and consumer not started yet';
    kafka.ok &&= state.messaging === 'started';
    return reply
      .code(kafka.ok ? 200 : 503)
      .send({ status: kafka.ok ? 'ready' : 'not-ready', checks: { kafka } });
  });

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  await parts.routes(app);
  return app;
}

/**
 * Creates the service's topics and starts its consumer. The broker may be away at start: this
 * retries in the background (the service stays up and /ready says why) until it succeeds or
 * `signal` aborts.
 */
export async function startMessaging(
  deps: ServiceDeps,
  parts: ServiceParts,
  signal: AbortSignal,
  state?: ServerState,
): Promise<void> {
  const log = deps.logger.child({ component: 'messaging' });
  const topics = [...new Set([...(parts.consume?.topics ?? []), ...deps.config.kafkaConsumeTopics])];
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      if (parts.topics?.length) await deps.bus.ensureTopics(parts.topics);
      break;
    } catch (e) {
      if (attempt === 1 || attempt % 10 === 0)
        log.warn({ error: (e as Error).message, attempt }, 'topics not ensured yet; retrying');
      await new Promise((r) => setTimeout(r, 2_000).unref());
    }
  }
  if (signal.aborted) return;
  if (topics.length === 0 || !parts.consume) {
    if (state) state.messaging = 'started';
    return;
  }
  const handle = parts.consume.handle;
  deps.bus.consume(
    { topics, groupId: deps.config.kafkaGroupId, fromBeginning: parts.consume.fromBeginning },
    async (m) => {
      try {
        await handle(m);
      } catch (e) {
        const span = trace.getActiveSpan();
        if (span) recordError(span, e);
        // No dead-letter topic yet: a failing message is logged (with its trace) and skipped, so
        // one bad message cannot stall its partition.
        log.error(
          { error: (e as Error).message, topic: m.topic, partition: m.partition, offset: m.offset },
          'message handler failed',
        );
      }
    },
  );
  if (state) state.messaging = 'started';
  log.info({ topics, groupId: deps.config.kafkaGroupId }, 'consumer started');
}
