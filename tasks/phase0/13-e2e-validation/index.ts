// Seed task 0-13: end-to-end validation with the demo service. Needs every earlier task.
// run: the target's 'demo' component starts examples/demo-service (native: a supervised process
// on DEMO_PORT wired to the target's Kafka and OTLP endpoints; Prometheus scrapes it as job
// demo-service), then one event makes the round trip through it and Kafka (round-trip.ts), recorded
// with the processes that carried it. verify: validation/e2e-checks.ts follows one request through the platform and
// records the Phase-0 requirements as measured figures; load-check.ts puts the demo under a
// short load (0-13.demo-load, issue 25).
import { runChecks } from '../../../validation/lib/define-check.ts';
import { BEFORE_INTEGRATION, component, defineTask } from '../define.ts';

export const e2eValidation = defineTask({
  id: '0-13',
  name: 'e2e-validation',
  title: 'End-to-end validation',
  needs: BEFORE_INTEGRATION,
  component: 'demo',
  // Done when the last round trip passed and the processes it used are still the same ones
  // (a file read and pid checks: no request on every `up`). A target that cannot tell its
  // processes apart falls back to the demo component's own status.
  status: async (ctx) => {
    const rt = await import('./round-trip.ts');
    return rt.ROUND_TRIP_USES.every((id) => ctx.target.components[id]?.identity)
      ? rt.roundTripStillHolds(ctx)
      : component(ctx, 'demo').status(ctx);
  },
  run: async (ctx) => {
    await component(ctx, 'demo').up(ctx);
    await (await import('./round-trip.ts')).proveAndRecord(ctx);
  },
  verify: async (ctx) => [
    ...(await (
      await import('./checks.ts')
    ).e2eChecks(ctx, {
      bench: ctx.env.E2E_BENCH !== '0',
    })),
    // Last: its load would disturb the single-request checks above.
    ...(await runChecks(ctx, [(await import('./load-check.ts')).DEMO_LOAD_CHECK])),
  ],
  timeoutMs: 180_000,
});
