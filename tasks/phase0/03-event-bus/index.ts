// Seed task 0-3: Event bus (Kafka API). The target's `event-bus` component provides the broker
// (native: Apache Kafka in KRaft mode; k3d/compose: Redpanda); run starts it and creates the
// seed's topics (tasks/topics.ts); verify runs the shared checks of tasks/phase0/03-event-bus/checks.ts
// against the target's Kafka endpoint, including a restart through the component for durability.
import path from 'node:path';
import { UsageError } from '../../engine/task.ts';
import { isAvailable } from '../../targets/target.ts';
import type { PlatformContext } from '../../context.ts';
import { component, defineTask } from '../define.ts';
import { runChecks } from '../../../validation/lib/define-check.ts';

// Kafka clients and the bench load when a step runs, not when the graph is built.
const checks = () => import('./checks.ts');
import { cluster } from '../02-cluster/index.ts';

/** REQ-0.2: a short bench; the latency check carries its percentile plot for the report. */
async function benchWithFigure(ctx: PlatformContext) {
  const { kafkaBenchChecks } = await import('./bench-checks.ts');
  const bench = await kafkaBenchChecks(ctx, { task: '0-3' });
  return bench.checks.map((c) =>
    bench.svg && c.id.endsWith('latency-p95')
      ? {
          ...c,
          figure: {
            title: 'Kafka end-to-end latency by percentile (REQ-0.2)',
            svgFile: path.resolve(bench.svg),
          },
        }
      : c,
  );
}

export const eventBus = defineTask({
  id: '0-3',
  name: 'event-bus',
  title: 'Event bus (Kafka API)',
  needs: [cluster],
  component: 'event-bus',
  status: async (ctx) => {
    if (!(await component(ctx, 'event-bus').status(ctx))) return false;
    const kafka = ctx.target.endpoints().kafka;
    if (!isAvailable(kafka)) return false;
    // Done when every seed topic exists as the seed says (a mismatch makes run report it).
    const seed = await (await checks()).topicsMatchSeedChecks(kafka);
    return seed.every((c) => c.status === 'pass');
  },
  run: async (ctx) => {
    await component(ctx, 'event-bus').up(ctx);
    const kafka = ctx.target.endpoints().kafka;
    if (!isAvailable(kafka)) throw new UsageError(`event bus: no Kafka endpoint: ${kafka.unavailable}`);
    const { describeOutcome, ensureTopics } = await import('../../topics.ts');
    const outcomes = await ensureTopics(kafka.url);
    outcomes.forEach((o) => ctx.log(describeOutcome(o)));
    const bad = outcomes.filter((o) => o.outcome === 'mismatch');
    if (bad.length > 0) throw new Error(bad.map(describeOutcome).join('; '));
  },
  verify: async (ctx) => {
    const kafka = ctx.target.endpoints().kafka;
    const bus = component(ctx, 'event-bus');
    const { brokerReadyCheck, durabilityChecks, roundTripChecks, testScriptsCheck, topicsMatchSeedChecks } =
      await checks();
    const startupMs = (await bus.facts?.(ctx))?.startup?.readyMs.kafka;
    const ready = await brokerReadyCheck(kafka, { startupMs });
    const { ACCESS_CHECKS } = await import('./access-checks.ts');
    const access = await runChecks(ctx, ACCESS_CHECKS);
    if (ready.status !== 'pass') return [ready, ...access];
    const restart = bus.down
      ? {
          how: `the ${ctx.target.name} target's event-bus component (down, then up until it answers)`,
          restart: async () => {
            await bus.down!(ctx);
            await bus.up(ctx);
          },
        }
      : { unavailable: `the ${ctx.target.name} target's event-bus component has no down step to restart it` };
    return [
      ready,
      ...access,
      ...(await topicsMatchSeedChecks(kafka)),
      ...(await roundTripChecks(kafka)),
      await testScriptsCheck(kafka, { root: ctx.paths.root, cache: ctx.paths.cache, signal: ctx.signal }),
      // The bench runs before the durability restart: right after a restart the broker's JIT is
      // cold and the figure would measure warm-up, not the event bus.
      ...(await benchWithFigure(ctx)),
      ...(await durabilityChecks(kafka, restart)),
    ];
  },
  timeoutMs: 300_000,
});
