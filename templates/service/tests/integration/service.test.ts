// The service as a real process: `node src/main.ts` on a free port. Without KAFKA_BROKERS the
// broker address points at a closed port, which is the real "Kafka is down" case; with
// KAFKA_BROKERS set (e.g. 127.0.0.1:19092 from the platform) the Kafka tests run too.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createBus, KAFKA_CLIENTS } from '../../src/kafka/client.ts';
import { createLogger } from '../../src/lib/logging.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BROKERS = process.env.KAFKA_BROKERS;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function startService(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['--no-warnings', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      SERVICE_NAME: 'it-service',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`service exited early:\n${out}`);
    if (
      await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, base, output: () => out };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`service did not answer /health:\n${out}`);
}

async function stopService(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code] = (await exited) as [number | null];
  clearTimeout(timer);
  return code;
}

test('an unknown KAFKA_CLIENT stops the service at start: one line naming the valid clients, exit 2', async () => {
  const child = spawn(process.execPath, ['--no-warnings', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, SERVICE_NAME: 'it-service', PORT: '0', KAFKA_CLIENT: 'rdkafka' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.is(code, 2);
  assert.is(err.trim(), `config: KAFKA_CLIENT must be one of ${KAFKA_CLIENTS.join(', ')}`);
});

test('Kafka unreachable: /health 200, /ready 503 naming Kafka, /metrics served; SIGTERM exits 0', async () => {
  const closed = await freePort(); // nothing listens here: a broker that is down
  const svc = await startService({ KAFKA_BROKERS: `127.0.0.1:${closed}`, KAFKA_TIMEOUT_MS: '1000' });
  try {
    assert.is((await fetch(`${svc.base}/health`)).status, 200);
    const ready = await fetch(`${svc.base}/ready`);
    assert.is(ready.status, 503);
    assert.match(await ready.text(), 'kafka');
    const metrics = await (await fetch(`${svc.base}/metrics`)).text();
    assert.match(metrics, 'http_requests_total{method="GET",route="/ready",status_code="503"} 1');
  } finally {
    const code = await stopService(svc.child);
    assert.is(code, 0, svc.output());
  }
  assert.match(svc.output(), '"message":"shutdown complete"');
});

(BROKERS ? test : test.skip)(
  'with a real broker (KAFKA_BROKERS): /ready 200 and a produced message is consumed with its trace header',
  async () => {
    const svc = await startService({ KAFKA_BROKERS: BROKERS ?? '' });
    try {
      let ok = false;
      for (let i = 0; i < 60 && !ok; i++) {
        ok = (await fetch(`${svc.base}/ready`)).status === 200;
        if (!ok) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(ok, `service never became ready:\n${svc.output()}`);
    } finally {
      assert.is(await stopService(svc.child), 0);
    }

    // Each EventBus implementation on its own against the real broker: topics, produce, consume.
    const logger = createLogger({ service: 'it-bus', level: 'error' });
    for (const client of KAFKA_CLIENTS) {
      const bus = createBus(client, {
        clientId: 'it-bus',
        brokers: (BROKERS ?? '').split(','),
        timeoutMs: 5_000,
        logger,
      });
      const topic = `it-template-${client}-${process.pid}-${Date.now()}`;
      try {
        await bus.ensureTopics([{ topic, partitions: 1 }]);
        const got = new Promise<string>((resolve) =>
          bus.consume({ topics: [topic], groupId: `${topic}-g`, fromBeginning: true }, async (m) =>
            resolve(m.value),
          ),
        );
        const d = await bus.produce(topic, { key: 'k', value: 'hello' });
        assert.is(d.topic, topic, client);
        assert.is(await got, 'hello', client);
      } finally {
        await bus.close();
      }
    }
  },
);

test.run();
