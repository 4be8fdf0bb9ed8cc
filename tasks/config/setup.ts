// dev-setup: everything a fresh clone needs before `up`, in order, each step idempotent.
// A second run finds everything in place and changes nothing. The timing of each step goes to
// `.platform/dev-setup.json`, which the 0-1 verify step reads (seed bound: < 30 minutes).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from '../lazy-execa.ts';
import type { PlatformContext } from '../context.ts';
import { UsageError } from '../engine/task.ts';
import { atLeast } from './tools.ts';
import { allSettledOrThrow } from './activity.ts';
import { GENERATED, loadSettings } from './settings.ts';
import { loadVersions } from './versions.ts';
import { goVersion, requireGo } from './go.ts';

export interface StepResult {
  name: string;
  changed: boolean;
  detail: string;
  durationMs: number;
}

export interface SetupRecord {
  target: string;
  startedAt: string;
  durationMs: number;
  /** The tools cache was empty at the start: this run measured a fresh machine (0-1.ac8). */
  cold?: boolean;
  steps: StepResult[];
}

export const setupRecordPath = (ctx: Pick<PlatformContext, 'paths'>) => path.join(ctx.paths.platform, 'dev-setup.json');
/** The last dev-setup that started from an empty tools cache: kept, since warm reruns measure nothing. */
export const coldSetupRecordPath = (ctx: Pick<PlatformContext, 'paths'>) =>
  path.join(ctx.paths.platform, 'dev-setup-cold.json');

/** `.env.example` with every `<generated>` replaced by its own random value (URL-safe). */
export function fillGenerated(example: string): string {
  return example
    .split('\n')
    .map((line) => (line.trim().startsWith('#') ? line : line.split(GENERATED).reduce((a, b) => `${a}${randomBytes(18).toString('base64url')}${b}`)))
    .join('\n');
}

/** Creates `.env` from `.env.example` when absent; never overwrites. Returns whether it wrote. */
export function ensureEnvFile(root: string): boolean {
  const env = path.join(root, '.env');
  if (fs.existsSync(env)) return false;
  const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
  // 'wx' fails if another process created it meanwhile: never clobber.
  fs.writeFileSync(env, fillGenerated(example), { flag: 'wx', mode: 0o600 });
  return true;
}

/** npm ci only when the lockfile is newer than the last install. */
async function npmDeps(root: string, ctx: PlatformContext): Promise<[boolean, string]> {
  // A linked node_modules belongs to another checkout (scratch clones in tests): npm ci would wipe it.
  if (fs.lstatSync(path.join(root, 'node_modules'), { throwIfNoEntry: false })?.isSymbolicLink()) {
    return [false, 'node_modules is a link to another checkout; left alone'];
  }
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) {
    return [false, 'node_modules matches package-lock.json'];
  }
  await execa('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, cancelSignal: ctx.signal, stdout: { file: ctx.logFile, append: true }, stderr: { file: ctx.logFile, append: true } });
  return [true, 'npm ci'];
}

async function gitHooks(root: string, ctx: PlatformContext, build: boolean): Promise<[boolean, string]> {
  const inRepo = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, reject: false });
  if (inRepo.stdout.trim() !== 'true') return [false, 'not a git checkout: hooks not installed'];
  const { installGitHooks } = await import('./gitleaks.ts');
  const r = await installGitHooks(root, ctx.paths.cache, { build, signal: ctx.signal, note: ctx.note ?? ctx.log });
  for (const l of r.lines) ctx.log(l);
  if (r.exitCode !== 0) throw new Error(`git hooks: scripts/install-git-hooks.sh failed (exit ${r.exitCode}): ${r.lines.at(-1) ?? ''}; see ${ctx.logFile}`);
  return [r.lines.length > 0, r.lines.length === 0 ? 'core.hooksPath=.githooks, gitleaks present' : r.lines.join('; ')];
}

export interface SetupOptions {
  /**
   * Install the tools only checks, tests and commits use: the Docker paths' render-check tools (helm,
   * kubeconform, the k3d and Compose loaders), chromium, gitleaks and, natively, promtool. `dev-setup` does
   * (CI sets up everything at once); `up` does not: no target's `up` runs them, and the checks
   * build theirs on first use (gitleaks: the first commit too). On a cold machine promtool alone
   * is minutes of `up` on 2 cores, gitleaks a minute.
   */
  checkTools?: boolean;
}

export async function runSetup(ctx: PlatformContext, onStep: (s: StepResult) => void = () => {}, opts: SetupOptions = {}): Promise<SetupRecord> {
  const root = ctx.paths.root;
  const started = Date.now();
  // Cold: nothing installed yet (no built tool, no Kafka jars). The settings loader may already
  // have put its compiled validators in the cache, which is not an install.
  const installed = (d: string) => fs.existsSync(d) && fs.readdirSync(d).length > 0;
  const cold = !installed(path.join(ctx.paths.cache, 'bin')) && !installed(path.join(ctx.paths.cache, 'kafka'));
  const steps: StepResult[] = [];
  const step = async (name: string, fn: () => Promise<[boolean, string]>) => {
    const t0 = performance.now();
    const [changed, detail] = await fn();
    const s = { name, changed, detail, durationMs: Math.round(performance.now() - t0) };
    steps.push(s);
    onStep(s);
  };

  await step('node', async () => {
    const v = process.versions.node;
    const { minimum } = loadVersions().node;
    if (!atLeast(v, minimum)) throw new UsageError(`node ${v} is older than ${minimum} (it runs tasks.ts without a transpiler); run \`export PATH="$(scripts/ensure-node.sh):$PATH"\` first`);
    return [false, `node ${v}`];
  });
  // Before any build: a go older than the modules ask for would fail each of them in its own words.
  await step('go', async () => {
    const v = await goVersion();
    if (!v) return [false, 'not on PATH: the Go builds (backends, render tools, gitleaks) will each say so'];
    return [false, `go ${await requireGo('building the tools and backends from the Go module proxy')}`];
  });
  await step('npm dependencies', () => npmDeps(root, ctx));
  await step('.env', async () => {
    const wrote = ensureEnvFile(root);
    loadSettings({ root, env: process.env });
    return [wrote, wrote ? 'created from .env.example with random local passwords' : 'exists (left as is)'];
  });
  // The rest is independent (gitleaks, the render tools, each component's build or download):
  // side by side, the Go builds sharing the build slots (activity.ts). Steps are recorded as they end.
  const later: (() => Promise<void>)[] = [() => step('git hooks', () => gitHooks(root, ctx, !!opts.checkTools))];
  // The console's browser tests and checks drive chromium; no `up` does. Not beside the
  // target installs: apt takes one lock, and installPrometheus may hold it.
  if (opts.checkTools) await step('browser (chromium)', async () => (await import('./browser-setup.ts')).setupBrowser(ctx));
  // Loaded here, not at the top: 0-1's status reads setupRecordPath on every `up`, and the
  // versions schema (ajv, yaml) and the tool builder (execa) are only needed to set up.
  if (opts.checkTools)
    later.push(() =>
      step('render-check tools', async () => {
        const { setupRenderTools } = await import('./render-tools.ts');
        const { loadVersions } = await import('./versions.ts');
        return setupRenderTools(ctx.paths.cache, loadVersions(), { signal: ctx.signal, log: ctx.log, ...(ctx.note ? { note: ctx.note } : {}) });
      }),
    );
  for (const [id, c] of Object.entries(ctx.target.components)) {
    if (!c?.install) continue;
    later.push(() =>
      step(`${ctx.target.name} ${id}`, async () => {
        const r = await c.install!(ctx, { checkTools: !!opts.checkTools });
        return r ? [r.changed, r.detail] : [false, 'installed or already present'];
      }),
    );
  }
  await allSettledOrThrow(later);
  const record: SetupRecord = { target: ctx.target.name, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, cold, steps };
  fs.mkdirSync(ctx.paths.platform, { recursive: true });
  fs.writeFileSync(setupRecordPath(ctx), JSON.stringify(record, null, 2) + '\n');
  if (cold) fs.writeFileSync(coldSetupRecordPath(ctx), JSON.stringify(record, null, 2) + '\n');
  return record;
}
