// Seed task 0-11: Makefile and automation. Needs every earlier task (it integrates them).
// The Makefile is a file of one-line aliases in the repository, so `up` has nothing to build;
// verify proves each seed alias is wired (checks.ts).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { runChecks } from '../../../validation/lib/define-check.ts';
import { BEFORE_INTEGRATION, defineTask } from '../define.ts';
import { MAKEFILE_CHECKS, makefilePath } from './checks.ts';

export const makefile = defineTask({
  id: '0-11',
  name: 'makefile',
  title: 'Makefile and automation',
  needs: BEFORE_INTEGRATION,
  // The Makefile is part of the repository: done when it is there and make can read it.
  // node:child_process, not execa: this runs on every `up`.
  status: async (ctx) =>
    fs.existsSync(makefilePath(ctx)) &&
    new Promise<boolean>((resolve) =>
      execFile('make', ['--no-print-directory', '-n', 'help'], { cwd: ctx.paths.root, timeout: 60_000, signal: ctx.signal }, (err) =>
        resolve(!err),
      ),
    ),
  run: async (ctx) => {
    throw new Error(
      `no usable Makefile at ${makefilePath(ctx)}; restore it from git (git checkout Makefile)`,
    );
  },
  verify: (ctx) => runChecks(ctx, MAKEFILE_CHECKS),
});
