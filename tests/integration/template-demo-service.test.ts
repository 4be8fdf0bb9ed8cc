// The demo service as a real process (node examples/demo-service/src/main.ts, resolving packages
// from the repository's node_modules) against a real Kafka broker on free ports: POST /events →
// offset and the event on the SSE stream; bad input → 400 and nothing produced; broker killed →
// /ready and POST /events 503 while /health stays 200; broker back → the service recovers.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { freePort } from '../../tasks/ports.ts';
import { openEventStream } from '../../tasks/phase0/13-e2e-validation/sse.ts';
import { startTestBroker, type TestBroker } from '../support/kafka-broker.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';

const DEMO_MAIN = path.join(REPO_ROOT, 'examples', 'demo-service', 'src', 'main.ts');

interface Demo {
  child: ChildProcess;
  base: string;
  output: () => string;
}

async function startDemo(env: Record<string, string>): Promise<Demo> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['--no-warnings', DEMO_MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const demo = { child, base, output: () => out };
  try {
    await waitUntil(
      () =>
        fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        ),
      HANG_GUARD_MS,
      'demo /health',
      demo,
    );
  } catch (e) {
    // The caller never gets the handle to stop it: a demo that did not come up is stopped here
    // (one was left running for an hour after this wait failed on a loaded machine).
    child.kill('SIGKILL');
    throw e;
  }
  return demo;
}

async function waitUntil(
  probe: () => Promise<boolean>,
  ms: number,
  what: string,
  demo?: Demo,
): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (demo && demo.child.exitCode !== null)
      throw new Error(`demo exited (${demo.child.exitCode}) while waiting for ${what}:\n${demo.output()}`);
    if (await probe()) return;
    if (Date.now() > until)
      throw new Error(`${what}: not true after ${ms} ms${demo ? `\n${demo.output().slice(-3000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopDemo(demo: Demo): Promise<number | null> {
  if (demo.child.exitCode !== null) return demo.child.exitCode;
  const exited = once(demo.child, 'exit');
  demo.child.kill('SIGTERM');
  const t = setTimeout(() => demo.child.kill('SIGKILL'), 20_000);
  const [code] = (await exited) as [number | null];
  clearTimeout(t);
  return code;
}

async function postEvent(base: string, body: string, contentType = 'application/json') {
  const r = await fetch(`${base}/events`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: r.status, json: (await r.json().catch(() => ({}))) as Record<string, unknown> };
}

/** Messages in the topic = sum over partitions of the high watermark (the topic is new per run). */
async function messagesIn(bootstrap: string, topic: string): Promise<number> {
  const admin = new Kafka({
    clientId: 'demo-test',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** An event that never reached the stream: the demo's own log says whether its consumer joined, and from which offset. */
const withDemoLog = (e: Error, posted: unknown, demo: Demo | undefined) =>
  new Error(`${e.message}; posted ${JSON.stringify(posted)}\n${demo?.output().slice(-4000)}`);

test('demo service against a real broker: produce → SSE, bad input → 400 and nothing produced, broker down → 503, recovery', async () => {
  let broker: TestBroker | undefined;
  let demo: Demo | undefined;
  const topic = `demo-it-${process.pid}-${Date.now()}`;
  let firstId: string | undefined;
  try {
    broker = await startTestBroker();
    demo = await startDemo({
      KAFKA_BROKERS: broker.bootstrap,
      EVENTS_TOPIC: topic,
      KAFKA_GROUP_ID: `${topic}-g`,
      KAFKA_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'info',
    });
    const { base } = demo;
    await waitUntil(
      () =>
        fetch(`${base}/ready`).then(
          (r) => r.status === 200,
          () => false,
        ),
      60_000,
      'demo /ready',
      demo,
    );

    // Produce → offset in the answer → the same event on the stream.
    const stream = await openEventStream(`${base}/events/stream`);
    try {
      const ok = await postEvent(base, JSON.stringify({ type: 'order.placed', payload: { qty: 3 } }));
      assert.is(ok.status, 201, JSON.stringify(ok.json));
      assert.is(ok.json.topic, topic);
      assert.type(ok.json.partition, 'number');
      assert.match(String(ok.json.offset), /^\d+$/);
      const got = await stream
        .waitFor(
          (e) => e.event === 'event' && (JSON.parse(e.data) as { id: string }).id === ok.json.id,
          HANG_GUARD_MS,
        )
        .catch((e: Error) => {
          throw withDemoLog(e, ok.json, demo);
        });
      const data = JSON.parse(got.data) as Record<string, unknown>;
      assert.equal(data.payload, { qty: 3 });
      assert.is(data.offset, ok.json.offset);
      firstId = String(ok.json.id);
    } finally {
      stream.close();
    }
    assert.is(await messagesIn(broker.bootstrap, topic), 1);

    // At INFO one line a request (issue 25): the access line names the event it produced; the
    // per-step lines (event produced / consumed) are debug only.
    const linesOf = () =>
      demo!
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await waitUntil(
      async () => linesOf().some((l) => l.message === 'request' && l.route === '/events'),
      HANG_GUARD_MS,
      'the access line of POST /events',
      demo,
    );
    const access = linesOf().find((l) => l.message === 'request' && l.route === '/events')!;
    assert.is(access.level, 'INFO');
    assert.is(access.status_code, 201);
    assert.is(access.event_id, firstId);
    assert.equal(
      linesOf().filter((l) => l.message === 'event produced' || l.message === 'event consumed'),
      [],
      'per-step lines at INFO',
    );

    // Bad input: each a 400 with a reason, and nothing reaches the topic.
    const bad: [string, string, RegExp][] = [
      ['{"type": "order.placed", "payload": ', 'application/json', /JSON/i],
      [JSON.stringify({ payload: {} }), 'application/json', /type/],
      [JSON.stringify({ type: 'order.placed' }), 'application/json', /payload/],
      [JSON.stringify({ type: 'Not Valid!', payload: {} }), 'application/json', /type/],
      [JSON.stringify({ type: 'a.b', payload: {}, extra: 1 }), 'application/json', /additional/],
      [JSON.stringify({ type: 'a.b', payload: 'text' }), 'application/json', /payload/],
    ];
    for (const [body, ct, reason] of bad) {
      const r = await postEvent(base, body, ct);
      assert.is(r.status, 400, `${body} → ${r.status}`);
      assert.match(String(r.json.message), reason, `${body} → ${JSON.stringify(r.json)}`);
    }
    assert.is(await messagesIn(broker.bootstrap, topic), 1, 'a rejected request produced a message');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, `kafka_messages_produced_total{topic="${topic}"} 1`);
    assert.match(metrics, 'http_requests_total{method="POST",route="/events",status_code="400"} 6');

    // Broker killed: the service stays up, says not ready, answers 503 (bounded), health stays 200.
    await broker.kill();
    await waitUntil(
      () =>
        fetch(`${base}/ready`).then(
          (r) => r.status === 503,
          () => false,
        ),
      HANG_GUARD_MS,
      '/ready 503 with the broker down',
      demo,
    );
    const down = await postEvent(base, JSON.stringify({ type: 'order.placed', payload: {} }));
    assert.is(down.status, 503, JSON.stringify(down.json));
    assert.match(String(down.json.message), /kafka/);
    assert.is((await fetch(`${base}/health`)).status, 200);

    // Broker back (same data dir and port): ready again, produce and consume work again.
    await broker.restart();
    await waitUntil(
      () =>
        fetch(`${base}/ready`).then(
          (r) => r.status === 200,
          () => false,
        ),
      90_000,
      '/ready 200 after the broker returned',
      demo,
    );
    const again = await openEventStream(`${base}/events/stream`);
    try {
      let posted: { status: number; json: Record<string, unknown> } | undefined;
      await waitUntil(
        async () =>
          (posted = await postEvent(base, JSON.stringify({ type: 'order.placed', payload: { n: 2 } })))
            .status === 201,
        HANG_GUARD_MS,
        'POST /events 201 after recovery',
        demo,
      );
      const id = posted?.json.id;
      await again
        .waitFor(
          (e) => e.event === 'event' && (JSON.parse(e.data) as { id: string }).id === id,
          HANG_GUARD_MS,
        )
        .catch((e: Error) => {
          throw withDemoLog(e, posted?.json, demo);
        });
    } finally {
      again.close();
    }
  } finally {
    const code = demo ? await stopDemo(demo) : 0;
    await broker?.stop();
    assert.is(code, 0, `demo exit code on SIGTERM:\n${demo?.output().slice(-3000)}`);
  }
});

test.run();
