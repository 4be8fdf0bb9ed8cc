// What the demo logs per POST /events (issue 25): at info one access line naming the event it
// produced, at debug also the per-step lines. The real Fastify server and service code
// (examples/demo-service/src) over the demo's in-memory bus stand-in, lines read back as JSON.
import { PassThrough } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildServer, type ServiceDeps } from '../../examples/demo-service/src/app.ts';
import { loadConfig } from '../../examples/demo-service/src/config.ts';
import { instrumentBus } from '../../examples/demo-service/src/kafka/instrumented.ts';
import { createLogger } from '../../examples/demo-service/src/lib/logging.ts';
import { createMetrics } from '../../examples/demo-service/src/metrics.ts';
import { createService, EVENTS_TOPIC } from '../../examples/demo-service/src/service.ts';
import { MemoryBus } from '../../examples/demo-service/tests/support/memory-bus.ts';

async function postOnce(level: 'info' | 'debug') {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const metrics = createMetrics();
  const tracer = trace.getTracer('unit');
  const logger = createLogger({ service: 'demo-unit', level, destination: out });
  const memory = new MemoryBus();
  const deps: ServiceDeps = {
    config: loadConfig({ SERVICE_NAME: 'demo-unit' }),
    logger,
    tracer,
    metrics,
    bus: instrumentBus(memory, { tracer, metrics }),
  };
  const parts = createService(deps);
  const app = await buildServer(deps, parts);
  // The consumer reads what the route produced (the memory bus delivers at once).
  deps.bus.consume({ topics: [EVENTS_TOPIC], groupId: 'g' }, parts.consume!.handle);
  const r = await app.inject({
    method: 'POST',
    url: '/events',
    payload: { type: 'order.placed', payload: { n: 1 } },
  });
  await app.close();
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.statusCode, body: r.json() as { id: string; offset: string }, lines };
}

test('info: one line for the request, the access line, naming the event it produced', async () => {
  const { status, body, lines } = await postOnce('info');
  assert.is(status, 201);
  const mine = lines.filter((l) => l.event_id === body.id);
  assert.equal(
    mine.map((l) => l.message),
    ['request'],
    JSON.stringify(lines),
  );
  assert.is(mine[0]!.level, 'INFO');
  assert.is(mine[0]!.route, '/events');
  assert.is(mine[0]!.status_code, 201);
  assert.is(mine[0]!.offset, body.offset);
});

test('debug: the per-step lines too (event produced, event consumed), each naming the event', async () => {
  const { body, lines } = await postOnce('debug');
  const messages = lines.filter((l) => l.event_id === body.id).map((l) => l.message);
  for (const m of ['event produced', 'event consumed', 'request'])
    assert.ok(messages.includes(m), `${m} in ${JSON.stringify(messages)}`);
});

test.run();
