// Checks of seed task 0-11, as data: `make help` lists every seed target; each alias, dry-run with
// `make -n`, reaches the command it should, and that command exists (a tasks.ts subcommand in the
// registry, or an npm script in package.json); the guide documents every command.
import fs from 'node:fs';
import path from 'node:path';
import type { PlatformContext } from '../../context.ts';
import { COMMAND_NAMES } from '../../cli/names.ts';
import { defineCheck, type DefinedCheck } from '../../../validation/lib/define-check.ts';
import type { CriterionId } from '../../../validation/report/criteria.ts';

/** Every target the seed's task 0-11 lists, with the criterion it proves and the command it must reach. */
const SEED_TARGETS: { target: string; criterion?: CriterionId; expects: RegExp }[] = [
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

export const makefilePath = (ctx: PlatformContext) => path.join(ctx.paths.root, 'Makefile');
const GUIDE = 'docs/developer-guide/makefile-commands.md';

/** `make <args>` in the repository; throws when there is no Makefile to run. */
async function make(ctx: PlatformContext, args: string[]): Promise<{ ok: boolean; out: string }> {
  if (!fs.existsSync(makefilePath(ctx))) throw new Error(`no Makefile at ${makefilePath(ctx)}`);
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
function missingCommands(out: string, root: string): string[] {
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

const help = defineCheck(
  {
    id: '0-11.help',
    criteria: ['0-11.ac1'],
    title: '`make help` lists every seed command with a description',
    proof: 'rendered',
  },
  async (_, ctx) => {
    const r = await make(ctx, ['help']);
    if (!r.ok) throw new Error(`make help failed: ${r.out.split('\n')[0]}`);
    const listed = new Set([...r.out.matchAll(/^ {2}([a-z][a-z-]*) {2,}\S/gm)].map((m) => m[1]!));
    const missing = SEED_TARGETS.map((t) => t.target).filter((t) => !listed.has(t));
    return {
      measured: listed.size,
      unit: 'targets listed',
      threshold: `all ${SEED_TARGETS.length + 1} seed targets`,
      evidence: 'make help',
      problems: missing.length ? [`not listed: ${missing.join(', ')}`] : [],
    };
  },
);

const alias = (t: (typeof SEED_TARGETS)[number]): DefinedCheck =>
  defineCheck(
    {
      id: `0-11.${t.target}`,
      ...(t.criterion ? { criteria: [t.criterion] } : {}),
      title: `\`make ${t.target}\` is a one-line alias to an existing command`,
      proof: 'rendered',
    },
    async (_, ctx) => {
      const dry = await make(ctx, ['-n', t.target, ...(t.target === 'service-create' ? ['NAME=example'] : [])]);
      if (!dry.ok) throw new Error(`make -n ${t.target} failed: ${dry.out.split('\n')[0]}`);
      const line = dry.out.trim().split('\n').filter(Boolean).join(' ; ');
      const problems = t.expects.test(dry.out)
        ? missingCommands(dry.out, ctx.paths.root)
        : [`make ${t.target} runs \`${line}\`, expected ${t.expects.source}`];
      return { evidence: `make -n ${t.target} → ${line}`.slice(0, 200), problems };
    },
  );

const docs = defineCheck(
  { id: '0-11.docs', criteria: ['0-11.ac12'], title: 'Documentation explains each make command', proof: 'static' },
  (_, ctx) => {
    const file = path.join(ctx.paths.root, GUIDE);
    if (!fs.existsSync(file)) throw new Error(`${GUIDE} is missing`);
    const text = fs.readFileSync(file, 'utf8');
    const undocumented = [...SEED_TARGETS.map((t) => t.target), 'help'].filter((t) => !text.includes(`make ${t}`));
    return { evidence: GUIDE, problems: undocumented.length ? [`not documented: ${undocumented.join(', ')}`] : [] };
  },
);

export const MAKEFILE_CHECKS: readonly DefinedCheck[] = [help, ...SEED_TARGETS.map(alias), docs];
