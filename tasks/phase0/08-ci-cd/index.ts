// Seed task 0-8: CI/CD pipeline. The workflows are files in the repository, so there is nothing
// to bring up; verify lints them (actionlint), reads their triggers and jobs, and reads the step
// timings `.ci/run` records (REQ-0.5).
import { defineTask } from '../define.ts';

export const ciCd = defineTask({
  id: '0-8',
  name: 'ci-cd',
  title: 'CI/CD pipeline',
  needs: ['0-1'],
  status: async () => true,
  verify: async (ctx) => (await import('./checks.ts')).ciCdChecks(ctx),
});
