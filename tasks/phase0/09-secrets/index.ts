// Seed task 0-9: Secrets management. The settings loader, the redaction and the hook are code
// and config already in place after 0-1; verify proves them (including a real hook run in a
// scratch repository and gitleaks over the whole history).
import { runChecks } from '../../../validation/lib/define-check.ts';
import { defineTask } from '../define.ts';

export const secrets = defineTask({
  id: '0-9',
  name: 'secrets',
  title: 'Secrets management',
  needs: ['0-1'],
  status: async () => true,
  verify: async (ctx) => runChecks(ctx, (await import('./checks.ts')).SECRETS_CHECKS),
});
