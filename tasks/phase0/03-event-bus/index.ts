// Seed task 0-3: Event bus (Kafka API). The target's `event-bus` component provides the broker
// (native: Apache Kafka in KRaft mode; k3d/compose: Redpanda); run starts it and creates the
// seed's topics (tasks/topics.ts); verify runs the shared checks of tasks/phase0/03-event-bus/checks.ts
// against the target's Kafka endpoint, including a restart through the component for durability.
import { UsageError } from '../../engine/task.ts';
import { isAvailable } from '../../targets/target.ts';
import type { PlatformContext } from '../../context.ts';
import { component, defineTask } from '../define.ts';
import { runChecks } from '../../../validation/lib/define-check.ts';

// Kafka clients and the bench load when a step runs, not when the graph is built.
const checks = () => import('./checks.ts');

/** The restart the durability checks use: the target's own event-bus component, down then up. */
function restartOf(ctx: PlatformContext) {
  const bus = component(ctx, 'event-bus');
  return bus.down
    ? {
        how: `the ${ctx.target.name} target's event-bus component (down, then up until it answers)`,
        restart: async () => {
          await bus.down!(ctx);
          await bus.up(ctx);
        },
      }
    : { unavailable: `the ${ctx.target.name} target's event-bus component has no down step to restart it` };
}

export const eventBus = defineTask({
  id: '0-3',
  name: 'event-bus',
  title: 'Event bus (Kafka API)',
  needs: ['0-2'],
  component: 'event-bus',
  status: async (ctx) => {
    if (!(await component(ctx, 'event-bus').status(ctx))) return false;
    const kafka = ctx.target.endpoints().kafka;
    if (!isAvailable(kafka)) return false;
    // Done when every seed topic exists as the seed says (a mismatch makes run report it).
    return (await checks()).seedTopicsMatch(kafka.url).catch(() => false);
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
    const { brokerReady, roundTripChecks, testScripts, topicChecks } = await checks();
    const { ACCESS_CHECKS } = await import('./access-checks.ts');
    const [ready] = await runChecks(ctx, [brokerReady()]);
    const access = await runChecks(ctx, ACCESS_CHECKS);
    if (ready!.status !== 'pass') return [ready!, ...access];
    const { kafkaBenchSpecs } = await import('../../../validation/lib/kafka-bench-checks.ts');
    const { durabilityChecks } = await import('./durability-checks.ts');
    return [
      ready!,
      ...access,
      ...(await runChecks(ctx, [
        ...topicChecks(),
        ...roundTripChecks(),
        testScripts(),
        // REQ-0.2: a short bench, before the durability restart: right after a restart the
        // broker's JIT is cold and the figure would measure warm-up, not the event bus.
        ...kafkaBenchSpecs({ task: '0-3' }).checks,
        ...durabilityChecks(restartOf(ctx)),
      ])),
    ];
  },
  timeoutMs: 300_000,
});
