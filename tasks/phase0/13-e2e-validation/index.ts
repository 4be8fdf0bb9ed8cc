// Seed task 0-13: end-to-end validation with the demo service. Needs every earlier task.
// run: the target's 'demo' component starts examples/demo-service (native: a supervised process
// on DEMO_PORT wired to the target's Kafka and OTLP endpoints; Prometheus scrapes it as job
// demo-service). verify: validation/e2e-checks.ts follows one request through the platform and
// records the Phase-0 requirements as measured figures.
import { defineTask } from '../define.ts';
import { beforeIntegration } from '../all.ts';

export const e2eValidation = defineTask({
  id: '0-13',
  name: 'e2e-validation',
  title: 'End-to-end validation',
  needs: beforeIntegration,
  component: 'demo',
  verify: async (ctx) =>
    (await import('./checks.ts')).e2eChecks(ctx, {
      bench: (ctx.env.E2E_BENCH ?? process.env.E2E_BENCH) !== '0',
    }),
  timeoutMs: 180_000,
});
