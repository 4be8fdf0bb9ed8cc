// Seed task 0-1: Development environment. `up` runs the same idempotent steps as `dev-setup`
// (node, npm deps, .env, git hooks + gitleaks, the target's installs) except the tools only
// checks use (render tools, chromium): no `up` runs them, the render checks build theirs on
// first use. verify proves each one.
import fs from 'node:fs';
import path from 'node:path';
import { defineTask } from '../define.ts';
import { runChecks } from '../../../validation/lib/define-check.ts';
import { gitHooksInstalled } from './hooks.ts';
// Checks and setup steps load when a step runs, not when the graph is built (`status`, `--help`).
const checks = () => import('./checks.ts');
const setup = () => import('../../config/setup.ts');
const dockerPaths = () => import('./docker-paths.ts');

export const devEnvironment = defineTask({
  id: '0-1',
  name: 'dev-environment',
  title: 'Development environment',
  needs: [],
  status: async (ctx) =>
    fs.existsSync(path.join(ctx.paths.root, '.env')) &&
    fs.existsSync((await setup()).setupRecordPath(ctx)) &&
    (await gitHooksInstalled(ctx.paths.root)),
  run: async (ctx) => {
    const record = await (
      await setup()
    ).runSetup(ctx, (s) =>
      ctx.log(`dev-setup: ${s.name}: ${s.changed ? 'changed' : 'ok'} (${s.durationMs} ms) ${s.detail}`),
    );
    ctx.log(`dev-setup: done in ${record.durationMs} ms`);
  },
  // The Docker paths' render checks need only development tools, so they run on every target.
  verify: async (ctx) => [
    ...(await runChecks(ctx, (await checks()).devEnvironmentChecks(ctx))),
    ...(await (await dockerPaths()).dockerPathChecks(ctx)),
  ],
  timeoutMs: 30 * 60_000,
});
