// The HTTP layer with its real Fastify server (app.inject, no socket) over the MemoryBus stand-in.
import { trace } from '@opentelemetry/api';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildServer, type ServerState, type ServiceDeps } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { instrumentBus } from '../../src/kafka/instrumented.ts';
import { createLogger } from '../../src/lib/logging.ts';
import { createMetrics } from '../../src/metrics.ts';
import { createService } from '../../src/service.ts';
import { MemoryBus } from '../support/memory-bus.ts';

async function setup() {
  const memory = new MemoryBus();
  const metrics = createMetrics();
  const tracer = trace.getTracer('test');
  const config = loadConfig({ SERVICE_NAME: 'unit-test' });
  const logger = createLogger({ service: 'unit-test', level: 'fatal' });
  const deps: ServiceDeps = {
    config,
    logger,
    tracer,
    metrics,
    bus: instrumentBus(memory, { tracer, metrics }),
  };
  const state: ServerState = { shuttingDown: false, messaging: 'started' };
  const app = await buildServer(deps, createService(deps), state);
  return { app, memory, metrics, state, bus: deps.bus };
}

test('/health is 200 whatever Kafka does', async () => {
  const { app, memory } = await setup();
  memory.available = false;
  const r = await app.inject({ method: 'GET', url: '/health' });
  assert.is(r.statusCode, 200);
  assert.equal(r.json(), { status: 'ok' });
  await app.close();
});

test('/ready follows Kafka, waits for the consumer to start, and turns 503 while shutting down', async () => {
  const { app, memory, state } = await setup();
  assert.is((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
  memory.available = false;
  const down = await app.inject({ method: 'GET', url: '/ready' });
  assert.is(down.statusCode, 503);
  assert.match(down.body, 'stand-in broker off');
  memory.available = true;
  state.messaging = 'starting';
  const starting = await app.inject({ method: 'GET', url: '/ready' });
  assert.is(starting.statusCode, 503);
  assert.match(starting.body, 'consumer not started');
  state.messaging = 'started';
  state.shuttingDown = true;
  assert.is((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 503);
  await app.close();
});

test('/metrics counts requests by route template and status, and Kafka messages by topic', async () => {
  const { app, bus } = await setup();
  const seen: string[] = [];
  bus.consume({ topics: ['t.one'], groupId: 'g' }, async (m) => void seen.push(m.value));
  await app.inject({ method: 'GET', url: '/v1/info' });
  await app.inject({ method: 'GET', url: '/no/such/path' });
  await bus.produce('t.one', { value: 'x' });
  assert.equal(seen, ['x']);
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(text, 'http_requests_total{method="GET",route="/v1/info",status_code="200"} 1');
  assert.match(text, 'route="unmatched",status_code="404"');
  assert.match(
    text,
    'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/info",status_code="200"}',
  );
  assert.match(text, 'kafka_messages_produced_total{topic="t.one"} 1');
  assert.match(text, 'kafka_messages_consumed_total{topic="t.one"} 1');
  assert.match(text, 'process_cpu_seconds_total');
  await app.close();
});

test('the bus refusing a message as too large is a 413 with the reason; unavailable is a 503', async () => {
  const { app, memory, bus } = await setup();
  app.post('/produce', async (req, reply) =>
    reply.code(201).send(await bus.produce('t', { value: JSON.stringify(req.body) })),
  );
  memory.maxMessageBytes = 10;
  const big = await app.inject({ method: 'POST', url: '/produce', payload: { a: 'more than ten bytes' } });
  assert.is(big.statusCode, 413);
  assert.match(big.json().message, 'larger than');
  assert.is(memory.produced.length, 0);
  memory.available = false;
  assert.is((await app.inject({ method: 'POST', url: '/produce', payload: {} })).statusCode, 503);
  await app.close();
});

test('an unknown route gets a 404 with a JSON message', async () => {
  const { app } = await setup();
  const r = await app.inject({ method: 'GET', url: '/nope' });
  assert.is(r.statusCode, 404);
  assert.type(r.json().message, 'string');
  await app.close();
});

test.run();
