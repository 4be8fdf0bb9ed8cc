// Recovery after a broker crash, per EventBus client of the service template: a steady stream of
// produce() calls (one every 10 ms, each waiting for acks=all) and a consumer in its group; the
// broker is killed with SIGKILL and started again on the same data and port. Measured from the
// moment the broker answers again: time until /ready (the template's own route) is 200, and
// until the consumer receives a message produced after that moment. Counted over the whole run:
// acknowledged messages the consumer never received (lost: must be 0) and messages received
// more than once (duplicates: allowed, at-least-once, reported). The figures are printed; the
// < 3 s target is the issue's, the bound asserted here only catches a return to the old 15 s.
import { trace } from '@opentelemetry/api';
import type { Level } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildServer, type ServiceDeps } from '../../templates/service/src/app.ts';
import { loadConfig } from '../../templates/service/src/config.ts';
import { createLogger } from '../../templates/service/src/lib/logging.ts';
import { createBus, KAFKA_CLIENTS } from '../../templates/service/src/kafka/client.ts';
import { createMetrics } from '../../templates/service/src/metrics.ts';
import { startTestBroker, type TestBroker } from '../support/kafka-broker.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';
import { keptLogger } from '../support/kept-logger.ts';
import { loud } from '../support/loud-hook.ts';

const RECOVERY_BOUND_MS = 8_000;

const quiet = createLogger({ service: 'bus-recovery', level: 'fatal' });
const recovery = suite<{ broker?: TestBroker }>('event bus recovery after kill -9 of the broker');

recovery.before(
  loud(async (ctx) => {
    ctx.broker = await startTestBroker();
  }),
);

recovery.after(async (ctx) => {
  await ctx.broker?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  what: string,
  ms: number,
  probe: () => boolean | Promise<boolean>,
  everyMs = 20,
): Promise<number> {
  const t0 = performance.now();
  while (!(await probe())) {
    if (performance.now() - t0 > ms) throw new Error(`${what}: not true after ${ms} ms`);
    await sleep(everyMs);
  }
  return Math.round(performance.now() - t0);
}

// RECOVERY_CLIENT=kafkajs runs one client only; RECOVERY_LOG_LEVEL sets the kept bus log's level (debug).
for (const client of KAFKA_CLIENTS.filter((c) => (process.env.RECOVERY_CLIENT ?? c) === c)) {
  recovery(
    `${client}: ready and consuming again soon after the broker returns; nothing acknowledged is lost`,
    async ({ broker }) => {
      const b = broker!;
      const topic = `recovery-${client}-${process.pid}-${Date.now()}`;
      // The bus's own lines are kept, and shown when an assertion fails: what the client waited for.
      const kept = keptLogger('bus-recovery', (process.env.RECOVERY_LOG_LEVEL ?? 'debug') as Level);
      const bus = createBus(client, {
        clientId: `recovery-${client}`,
        brokers: [b.bootstrap],
        timeoutMs: 2_000,
        logger: kept.log,
      });
      const tracer = trace.getTracer('recovery');
      const deps: ServiceDeps = {
        config: loadConfig({ SERVICE_NAME: 'recovery' }),
        logger: quiet,
        tracer,
        metrics: createMetrics(),
        bus,
      };
      const app = await buildServer(deps, { routes() {} });
      const ready = async () => (await app.inject({ url: '/ready' })).statusCode === 200;

      const acked = new Map<number, number>(); // message → when its acknowledgement came
      const received = new Map<number, number>();
      const receivedAt = new Map<number, number>();
      let refused = 0;
      let producing = true;
      let next = 0;
      const sentAt = new Map<number, number>();
      try {
        await bus.ensureTopics([{ topic, partitions: 3 }]);
        bus.consume({ topics: [topic], groupId: `${topic}-g`, fromBeginning: true }, async (m) => {
          const i = Number(m.value);
          received.set(i, (received.get(i) ?? 0) + 1);
          if (!receivedAt.has(i)) receivedAt.set(i, performance.now());
        });
        await waitFor('ready before the crash', 60_000, ready, 100);

        // Steady load: a produce every 10 ms, each awaited independently (like HTTP requests).
        const inflight = new Set<Promise<void>>();
        const loop = (async () => {
          while (producing) {
            const i = next++;
            sentAt.set(i, performance.now());
            const p = bus
              .produce(topic, { key: `k${i % 7}`, value: String(i) })
              .then(
                () => void acked.set(i, performance.now()),
                () => void refused++,
              )
              .finally(() => inflight.delete(p));
            inflight.add(p);
            await sleep(10);
          }
          await Promise.all([...inflight]);
        })();

        await waitFor('steady state', HANG_GUARD_MS, () => received.size > 100);
        await b.kill();
        await sleep(2_000);
        await b.restart();
        const back = performance.now();
        const readyMs = await waitFor('/ready 200 after the broker returned', 60_000, ready);
        const firstAfter = next; // produced from now on: after the broker answered
        const consumingMs = await waitFor(
          'a message produced after the broker returned is consumed',
          60_000,
          () => [...receivedAt.keys()].some((i) => i >= firstAfter),
        );
        const consumingAt = Math.min(
          ...[...receivedAt.entries()].filter(([i]) => i >= firstAfter).map(([, t]) => t),
        );
        await sleep(3_000);
        producing = false;
        await loop;
        await waitFor(
          'every acknowledged message consumed',
          HANG_GUARD_MS,
          () => [...acked.keys()].every((i) => received.has(i)),
          100,
        ).catch(() => 0);

        const lost = [...acked.keys()].filter((i) => !received.has(i));
        const duplicates = [...received.values()].reduce((n, c) => n + c - 1, 0);
        const fromBackToConsuming = Math.round(consumingAt - back);
        // Which side was slow when consuming was: the producer (first acknowledgement) or the consumer.
        const firstAck = Math.min(...[...acked.entries()].filter(([i]) => i >= firstAfter).map(([, t]) => t));
        const fromBackToAck = Number.isFinite(firstAck) ? `${Math.round(firstAck - back)} ms` : 'never';
        console.log(
          `  ${client}: broker back → /ready 200 in ${readyMs} ms, first acknowledgement in ${fromBackToAck}, ` +
            `consuming in ${fromBackToConsuming} ms ` +
            `(first post-recovery message consumed ${consumingMs} ms after /ready); produced ${next}, ` +
            `acknowledged ${acked.size}, refused (503) ${refused}, lost ${lost.length}, duplicates ${duplicates}`,
        );
        const failure =
          lost.length > 0
            ? `acknowledged but never consumed: ${lost.slice(0, 20).join(', ')}`
            : readyMs >= RECOVERY_BOUND_MS
              ? `/ready took ${readyMs} ms`
              : fromBackToConsuming >= RECOVERY_BOUND_MS
                ? `consuming took ${fromBackToConsuming} ms`
                : undefined;
        if (failure) assert.unreachable(`${failure}; the bus's last log lines:\n${kept.tail(40)}`);
      } finally {
        producing = false;
        await app.close();
        await bus.close();
      }
    },
  );
}

recovery.run();
