// Seed task 0-11: Makefile and automation. Needs every earlier task (it integrates them).
// The Makefile is a file of one-line aliases in the repository, so `up` has nothing to build;
// verify proves each seed alias is wired: `make -n <target>` shows the command, and that
// command exists (a tasks.ts subcommand in the registry, or an npm script in package.json).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { check, type Check } from '../../engine/task.ts';
import type { PlatformContext } from '../../context.ts';
import { COMMAND_NAMES } from '../../cli/names.ts';
import { defineTask } from '../define.ts';
import { beforeIntegration } from '../all.ts';

/** Every target the seed's task 0-11 lists, with the criterion it proves and the command it must reach. */
const SEED_TARGETS: { target: string; criterion?: string; expects: RegExp }[] = [
  { target: 'dev-setup', criterion: '0-11.ac2', expects: /tasks\.ts dev-setup/ },
  { target: 'verify', criterion: '0-11.ac3', expects: /tasks\.ts verify/ },
  { target: 'infra-up', criterion: '0-11.ac4', expects: /tasks\.ts up\b/ },
  { target: 'infra-down', criterion: '0-11.ac5', expects: /tasks\.ts down\b/ },
  { target: 'test', criterion: '0-11.ac6', expects: /(^|&& )npm test$/m },
  { target: 'test-unit', criterion: '0-11.ac7', expects: /npm run test:unit/ },
  { target: 'test-integration', criterion: '0-11.ac8', expects: /npm run test:integration/ },
  { target: 'lint', criterion: '0-11.ac9', expects: /npm run lint/ },
  { target: 'format', criterion: '0-11.ac10', expects: /npm run format/ },
  { target: 'clean', criterion: '0-11.ac11', expects: /tasks\.ts clean\b/ },
  { target: 'infra-up-compose', expects: /tasks\.ts up --target compose/ },
  { target: 'cluster-create', expects: /tasks\.ts up 0-2 --target k3d/ },
  { target: 'cluster-destroy', expects: /tasks\.ts down --target k3d/ },
  { target: 'test-performance', expects: /tasks\.ts bench kafka/ },
  { target: 'topics-create', expects: /tasks\.ts topics-create/ },
  { target: 'service-create', expects: /tasks\.ts new-service/ },
];

const makefilePath = (ctx: PlatformContext) => path.join(ctx.paths.root, 'Makefile');

async function make(ctx: PlatformContext, args: string[]): Promise<{ ok: boolean; out: string }> {
  const { execa } = await import('execa');
  const r = await execa('make', ['--no-print-directory', ...args], {
    cwd: ctx.paths.root,
    reject: false,
    all: true,
    cancelSignal: ctx.signal,
    timeout: 120_000,
  });
  return { ok: r.exitCode === 0, out: String(r.all ?? '') };
}

/** What each command line reaches must exist: tasks.ts subcommands and npm scripts. */
async function missingCommands(out: string, root: string): Promise<string[]> {
  const names = new Set<string>(COMMAND_NAMES);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const missing: string[] = [];
  for (const m of out.matchAll(/tasks\.ts ([a-z][\w-]*)/g))
    if (!names.has(m[1]!)) missing.push(`tasks.ts has no command '${m[1]}'`);
  for (const m of out.matchAll(/npm run ([\w:-]+)/g))
    if (!pkg.scripts?.[m[1]!]) missing.push(`package.json has no script '${m[1]}'`);
  if (/(^|&& )npm test$/m.test(out) && !pkg.scripts?.test) missing.push("package.json has no script 'test'");
  return missing;
}

async function verifyMakefile(ctx: PlatformContext): Promise<Check[]> {
  if (!fs.existsSync(makefilePath(ctx))) {
    return [
      check({
        proof: 'static',
        id: '0-11.makefile',
        title: 'Makefile exists',
        status: 'fail',
        criteria: ['0-11.ac1'],
        reason: `no Makefile at ${makefilePath(ctx)}`,
      }),
    ];
  }
  const checks: Check[] = [];
  const help = await make(ctx, ['help']);
  const listed = new Set([...help.out.matchAll(/^ {2}([a-z][a-z-]*) {2,}\S/gm)].map((m) => m[1]!));
  const missingHelp = SEED_TARGETS.map((t) => t.target).filter((t) => !listed.has(t));
  checks.push(
    check({
      proof: 'rendered',
      id: '0-11.help',
      title: '`make help` lists every seed command with a description',
      status: help.ok && missingHelp.length === 0 ? 'pass' : 'fail',
      criteria: ['0-11.ac1'],
      measured: listed.size,
      unit: 'targets listed',
      threshold: `all ${SEED_TARGETS.length + 1} seed targets`,
      evidence: 'make help',
      ...(help.ok && missingHelp.length === 0
        ? {}
        : {
            reason: help.ok
              ? `not listed: ${missingHelp.join(', ')}`
              : `make help failed: ${help.out.split('\n')[0]}`,
          }),
    }),
  );
  for (const t of SEED_TARGETS) {
    const dry = await make(ctx, ['-n', t.target, ...(t.target === 'service-create' ? ['NAME=example'] : [])]);
    const line = dry.out.trim().split('\n').filter(Boolean).join(' ; ');
    const missing = dry.ok ? await missingCommands(dry.out, ctx.paths.root) : [];
    const reason = !dry.ok
      ? `make -n ${t.target} failed: ${dry.out.split('\n')[0]}`
      : !t.expects.test(dry.out)
        ? `make ${t.target} runs \`${line}\`, expected ${t.expects.source}`
        : missing.length
          ? missing.join('; ')
          : undefined;
    checks.push(
      check({
        proof: 'rendered',
        id: `0-11.${t.target}`,
        title: `\`make ${t.target}\` is a one-line alias to an existing command`,
        status: reason ? 'fail' : 'pass',
        ...(t.criterion ? { criteria: [t.criterion] } : {}),
        evidence: `make -n ${t.target} → ${line}`.slice(0, 200),
        ...(reason ? { reason } : {}),
      }),
    );
  }
  const doc = path.join(ctx.paths.root, 'docs/developer-guide/makefile-commands.md');
  const docText = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : undefined;
  const undocumented = SEED_TARGETS.map((t) => t.target)
    .concat('help')
    .filter((t) => !docText?.includes(`make ${t}`));
  checks.push(
    check({
      proof: 'static',
      id: '0-11.docs',
      title: 'Documentation explains each make command',
      status: docText && undocumented.length === 0 ? 'pass' : 'fail',
      criteria: ['0-11.ac12'],
      evidence: path.relative(ctx.paths.root, doc),
      ...(docText === undefined
        ? { reason: `${path.relative(ctx.paths.root, doc)} is missing` }
        : undocumented.length
          ? { reason: `not documented: ${undocumented.join(', ')}` }
          : {}),
    }),
  );
  return checks;
}

export const makefile = defineTask({
  id: '0-11',
  name: 'makefile',
  title: 'Makefile and automation',
  needs: beforeIntegration,
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
  verify: verifyMakefile,
});
