// The service logger (templates/service/src/lib/logging.ts): seed JSON format, the active span's
// ids injected, nothing injected outside a span, and secret fields redacted.
import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createLogger,
  DEFAULT_REDACT_KEYS,
  REDACTED,
  redactSecrets,
} from '../../templates/service/src/lib/logging.ts';
import { startTracing, withSpan } from '../../templates/service/src/lib/tracing.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) {
        raw.push(l);
        lines.push(JSON.parse(l) as Record<string, unknown>);
      }
      cb();
    },
  });
  return { lines, raw, destination };
}

test('a line has the seed fields: ISO timestamp, upper-case level, service, message, extra fields', () => {
  const out = capture();
  const log = createLogger({ service: 'market-data', destination: out.destination, level: 'debug' });
  log.info({ symbol: 'AAPL', price: 150.25 }, 'Candle processed');
  log.warn('slow');
  log.debug('details');
  const [info, warn, debug] = out.lines;
  assert.is(info?.service, 'market-data');
  assert.is(info?.level, 'INFO');
  assert.is(info?.message, 'Candle processed');
  assert.is(info?.symbol, 'AAPL');
  assert.is(info?.price, 150.25);
  assert.match(String(info?.timestamp), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.is(warn?.level, 'WARN');
  assert.is(debug?.level, 'DEBUG');
  assert.not.ok('msg' in (info ?? {}), 'pino default keys replaced');
  assert.not.ok('pid' in (info ?? {}) || 'hostname' in (info ?? {}), 'no pid/hostname noise');
});

test('level filter: info drops debug; LOG_LEVEL sets the default', () => {
  const out = capture();
  createLogger({ service: 's', destination: out.destination, level: 'info' }).debug('hidden');
  assert.is(out.lines.length, 0);
  const saved = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'error';
  try {
    const out2 = capture();
    const log = createLogger({ service: 's', destination: out2.destination });
    log.warn('hidden');
    log.error('shown');
    assert.equal(
      out2.lines.map((l) => l.message),
      ['shown'],
    );
  } finally {
    if (saved === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = saved;
  }
});

test('outside a span there is no trace_id; inside, trace_id/span_id are the active span, across awaits', async () => {
  const out = capture();
  const log = createLogger({ service: 'svc', destination: out.destination });
  const exporter = new InMemorySpanExporter();
  const t = startTracing({ serviceName: 'svc', endpoint: 'unused', exporter });
  try {
    log.info('before');
    let ids = { traceId: '', spanId: '', childId: '' };
    await withSpan(t.tracer, 'outer', async (outer) => {
      ids.traceId = outer.spanContext().traceId;
      ids.spanId = outer.spanContext().spanId;
      await new Promise((r) => setTimeout(r, 2));
      log.info('in outer after await');
      await withSpan(t.tracer, 'inner', async (inner) => {
        ids = { ...ids, childId: inner.spanContext().spanId };
        log.child({ symbol: 'MSFT' }).info('in inner via child logger');
      });
    });
    log.info('after');
    const [before, outerLine, innerLine, after] = out.lines;
    assert.not.ok('trace_id' in (before ?? {}));
    assert.not.ok('trace_id' in (after ?? {}));
    assert.is(outerLine?.trace_id, ids.traceId);
    assert.is(outerLine?.span_id, ids.spanId);
    assert.is(innerLine?.trace_id, ids.traceId);
    assert.is(innerLine?.span_id, ids.childId);
    assert.is(innerLine?.symbol, 'MSFT');
    assert.is(innerLine?.service, 'svc');
  } finally {
    await t.shutdown();
  }
});

test('an explicitly non-recording context (invalid span) adds no ids', () => {
  const out = capture();
  const log = createLogger({ service: 'svc', destination: out.destination });
  context.with(
    trace.setSpan(
      context.active(),
      trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 }),
    ),
    () => log.info('x'),
  );
  assert.not.ok('trace_id' in (out.lines[0] ?? {}));
});

test('secret fields are redacted at the top level and one object deep; values never appear', () => {
  const out = capture();
  const log = createLogger({
    service: 'svc',
    destination: out.destination,
    redactKeys: ['dbUrl', 'x-api-key'],
  });
  log.info(
    {
      password: 'pw-canary-1',
      token: 'tok-canary-2',
      config: { apiKey: 'key-canary-3', client_secret: 'cs-canary-4', host: 'db' },
      headers: { authorization: 'Bearer auth-canary-5', 'set-cookie': 'sid=cookie-canary-6', accept: 'json' },
      dbUrl: 'postgres://u:dburl-canary-7@db',
      req: { 'x-api-key': 'xk-canary-8' },
      symbol: 'AAPL',
    },
    'with secrets',
  );
  const line = out.lines[0] ?? {};
  const raw = out.raw.join('\n');
  for (let i = 1; i <= 8; i++) assert.not.match(raw, new RegExp(`canary-${i}`), `canary ${i} leaked`);
  assert.is(line.password, REDACTED);
  assert.is(line.token, REDACTED);
  assert.equal(line.config, { apiKey: REDACTED, client_secret: REDACTED, host: 'db' });
  assert.equal(line.headers, { authorization: REDACTED, 'set-cookie': REDACTED, accept: 'json' });
  assert.is(line.dbUrl, REDACTED);
  assert.equal(line.req, { 'x-api-key': REDACTED });
  assert.is(line.symbol, 'AAPL', 'ordinary fields untouched');
});

test("redactSecrets replaces secret keys at both depths without touching the caller's objects", () => {
  const redact = redactSecrets(['password', 'set-cookie']);
  const inner = { password: 'p1', user: 'u' };
  const fields = { password: 'p0', 'set-cookie': 'c', inner, list: [{ password: 'deep' }], n: 1 };
  assert.equal(redact(fields), {
    password: REDACTED,
    'set-cookie': REDACTED,
    inner: { password: REDACTED, user: 'u' },
    list: [{ password: 'deep' }],
    n: 1,
  });
  assert.is(inner.password, 'p1');
  assert.is(fields.password, 'p0');
  const clean = { a: 1, b: { c: 2 } };
  assert.is(redact(clean), clean, 'a line without secrets is not copied');
  assert.ok(DEFAULT_REDACT_KEYS.includes('authorization'));
});

test.run();
