// Seed task 0-7: Docker Compose stack (`make infra-up`). Brings up every infrastructure service
// with `docker compose … up --detach --wait` (returns when all health checks pass) and records
// the startup time for the report. Applies only on the compose target.
import { defineTask, targetChecks } from '../define.ts';

export const compose = defineTask({
  id: '0-7',
  name: 'compose',
  title: 'Docker Compose stack',
  needs: [],
  component: 'compose-stack',
  // The stack's checks are the compose target's own: tasks/targets/compose/checks.ts.
  verify: (ctx) => targetChecks(ctx, 'compose-stack'),
  timeoutMs: 5 * 60_000,
});
