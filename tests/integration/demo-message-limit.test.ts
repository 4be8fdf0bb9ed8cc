// The demo service (its own process, each KAFKA_CLIENT) when an event is larger than the broker
// accepts: the topic is created with max.message.bytes = 64 KiB, so a 100 KiB event is refused by
// the real broker. POST /events answers 413 with the reason, nothing of it reaches the topic, and
// small events sent at the same moment (batched with it by the default client) are all written.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KAFKA_CLIENTS } from '../../templates/service/src/kafka/client.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { freePort } from '../../tasks/ports.ts';
import { sharedTestBroker, type TestBroker } from '../support/kafka-broker.ts';
import { loud } from '../support/loud-hook.ts';
import { createTopicsReady } from '../../tasks/topics.ts';

const DEMO_MAIN = path.join(REPO_ROOT, 'examples', 'demo-service', 'src', 'main.ts');
const LIMIT = 64 * 1024;

const limits = suite<{ broker?: TestBroker }>('demo service: an event over the broker limit');

limits.before(
  loud(async (ctx) => {
    ctx.broker = await sharedTestBroker();
  }),
);

limits.after(async (ctx) => {
  await ctx.broker?.stop();
});

function admin(bootstrap: string) {
  return new Kafka({ clientId: 'demo-limit', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
}

async function post(base: string, payload: unknown) {
  const r = await fetch(`${base}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'limit.test', payload }),
  });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

for (const client of KAFKA_CLIENTS) {
  limits(`${client}: 413 with the reason, nothing half-sent, the others written`, async ({ broker }) => {
    const b = broker!;
    const topic = `demo-limit-${client}-${process.pid}`;
    const a = admin(b.bootstrap);
    await a.connect();
    let child: ChildProcess | undefined;
    let out = '';
    try {
      await createTopicsReady(a, [
        {
          topic,
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [{ name: 'max.message.bytes', value: String(LIMIT) }],
        },
      ]);
      const port = await freePort();
      child = spawn(process.execPath, ['--no-warnings', DEMO_MAIN], {
        env: {
          ...process.env,
          HOST: '127.0.0.1',
          PORT: String(port),
          KAFKA_BROKERS: b.bootstrap,
          KAFKA_CLIENT: client,
          EVENTS_TOPIC: topic,
          KAFKA_GROUP_ID: `${topic}-g`,
          OTEL_EXPORTER_OTLP_ENDPOINT: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d) => (out += d));
      child.stderr?.on('data', (d) => (out += d));
      const base = `http://127.0.0.1:${port}`;
      const until = Date.now() + 60_000;
      while (
        (await fetch(`${base}/ready`).then(
          (r) => r.status,
          () => 0,
        )) !== 200
      ) {
        if (Date.now() > until || child.exitCode !== null)
          throw new Error(`demo not ready:\n${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }

      const big = { blob: 'x'.repeat(100 * 1024) };
      const results = await Promise.all([
        post(base, { n: 1 }),
        post(base, big),
        post(base, { n: 2 }),
        post(base, { n: 3 }),
      ]);
      assert.equal(
        results.map((r) => r.status),
        [201, 413, 201, 201],
        JSON.stringify(results.map((r) => r.json)),
      );
      assert.is(results[1]!.json.error, 'Payload Too Large');
      assert.match(String(results[1]!.json.message), /larger than the broker accepts/);
      const offsets = await a.fetchTopicOffsets(topic);
      assert.is(
        offsets.reduce((n, p) => n + Number(p.high), 0),
        3,
        'the topic should hold the three small events and nothing of the refused one',
      );
      // Over Fastify's 1 MiB body limit: refused before any Kafka work, also 413.
      const huge = await post(base, { blob: 'y'.repeat(1_100_000) });
      assert.is(huge.status, 413);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, 'http_requests_total{method="POST",route="/events",status_code="413"} 2');
    } finally {
      if (child && child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      await a.disconnect();
    }
    assert.is(child?.exitCode, 0, out.slice(-2000));
  });
}

limits.run();
