// Entry point: configuration, tracing, logging, Kafka, HTTP server, shutdown. `node src/main.ts`.
import { trace } from '@opentelemetry/api';
import { buildServer, startMessaging, type ServerState, type ServiceDeps } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { instrumentBus } from './kafka/instrumented.ts';
import { createBus } from './kafka/client.ts';
import { createLogger } from './lib/logging.ts';
import { samplerOf, startTracing } from './lib/tracing.ts';
import { createMetrics } from './metrics.ts';
import { createService } from './service.ts';
import { onTerminate } from './shutdown.ts';

let config;
try {
  config = loadConfig();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(2);
}

// Tracing first, so everything created after it is traced. Without an endpoint spans are not
// exported, but the W3C context still flows (incoming traceparent → Kafka headers).
const tracing = config.otlpEndpoint
  ? startTracing({
      serviceName: config.serviceName,
      endpoint: config.otlpEndpoint,
      sampler: samplerOf(config.traceSampler.name, config.traceSampler.ratio),
    })
  : undefined;
const tracer = tracing?.tracer ?? trace.getTracer(config.serviceName);
const logger = createLogger({ service: config.serviceName, level: config.logLevel });
// Node's own warnings (deprecations, kafkajs's negative timer) as JSON lines, not raw stderr text:
// `start` runs node with --no-warnings, which silences only the default printer.
process.on('warning', (w) => logger.warn({ warning: w.name }, w.message));
const metrics = createMetrics();
const bus = instrumentBus(
  createBus(config.kafkaClient, {
    clientId: config.serviceName,
    brokers: config.kafkaBrokers,
    timeoutMs: config.kafkaTimeoutMs,
    logger,
  }),
  { tracer, metrics },
);
const deps: ServiceDeps = { config, logger, tracer, metrics, bus };
const parts = createService(deps);
const state: ServerState = { shuttingDown: false, messaging: 'starting' };
const server = await buildServer(deps, parts, state);
const messaging = new AbortController();

onTerminate({
  timeoutMs: config.shutdownTimeoutMs,
  log: (fields, message) => logger.info(fields, message),
  before: () => {
    state.shuttingDown = true;
    messaging.abort();
  },
  steps: [
    { name: 'service', run: () => parts.close?.() },
    { name: 'http', run: () => server.close() },
    { name: 'kafka', run: () => bus.close() },
    { name: 'tracing', run: () => tracing?.shutdown() },
  ],
});

const address = await server.listen({ host: config.host, port: config.port });
logger.info(
  {
    address,
    kafka: config.kafkaBrokers,
    kafkaClient: config.kafkaClient,
    otlp: config.otlpEndpoint ?? 'disabled',
  },
  'listening',
);
void startMessaging(deps, parts, messaging.signal, state);
