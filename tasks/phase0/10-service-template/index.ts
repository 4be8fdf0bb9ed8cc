// Seed task 0-10: Service template and generator. The template lives in the repository
// (templates/service, `tasks.ts new-service`, scripts/create-service.sh), so `up` has nothing to
// start; verify generates a service, runs it against the target's Kafka and OTLP endpoints and
// checks what the seed asks of it (tasks/phase0/10-service-template/checks.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import { defineTask } from '../define.ts';

export const serviceTemplate = defineTask({
  id: '0-10',
  name: 'service-template',
  title: 'Service template and generator',
  needs: ['0-6', '0-9'],
  status: async (ctx) =>
    fs.access(path.join(ctx.paths.root, 'templates', 'service', 'src', 'main.ts')).then(
      () => true,
      () => false,
    ),
  verify: async (ctx) => (await import('./checks.ts')).templateChecks(ctx),
  timeoutMs: 180_000,
});
