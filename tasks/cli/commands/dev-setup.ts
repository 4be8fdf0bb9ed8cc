// `tasks.ts dev-setup`: prepares a fresh clone (Node check, npm deps, .env with random local
// passwords, git hooks + gitleaks, what the chosen target installs). Idempotent; timed.
import fs from 'node:fs';
import path from 'node:path';
import { targetCommand } from '../options.ts';
import { resolvePaths } from '../../paths.ts';
import { redact } from '../../config/redact.ts';
import type { PlatformContext } from '../../context.ts';

const secs = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export const devSetupCommand = targetCommand({
  name: 'dev-setup',
  summary: 'prepare this clone: Node, npm deps, .env (random local passwords), git hooks, target installs',
  targetHelp: 'target whose components to install (default: auto)',
  run: async (_args, io) => {
    const { runSetup } = await import('../../config/setup.ts');
    const paths = resolvePaths();
    // Settings are read before the .env step creates the file; until then defaults stand in.
    const { target, why, env } = await io.target();
    fs.mkdirSync(paths.logs, { recursive: true });
    const logFile = path.join(paths.logs, 'dev-setup.log');
    io.out(`dev-setup: target ${target.name} (${why}); details in ${path.relative(process.cwd(), logFile)}`);
    const ctx: PlatformContext = {
      signal: io.signal,
      logFile,
      log: (l) => fs.appendFileSync(logFile, redact(l) + '\n'),
      target,
      paths,
      env,
    };
    // Long installs (the native backends build for minutes) say what they do as they go, and a
    // waiting line repeats every 10 s while they run (config/activity.ts).
    ctx.note = (l) => {
      io.out(`dev-setup:   ${l}`);
      ctx.log(l);
    };
    const record = await runSetup(ctx, (s) => {
      io.out(
        `dev-setup: ${s.name.padEnd(20)} ${s.changed ? 'changed' : 'ok     '}  ${secs(s.durationMs).padStart(6)}  ${s.detail}`,
      );
      io.event({ type: 'setup-step', ...s });
    }, { checkTools: true });
    const changed = record.steps.filter((s) => s.changed).length;
    io.out(
      `dev-setup: done in ${secs(record.durationMs)}; ${changed === 0 ? 'nothing changed' : `${changed} step(s) changed something`}. Next: node tasks.ts doctor, then make up`,
    );
    io.event({ type: 'setup-done', durationMs: record.durationMs, changed });
    return 0;
  },
});
