// Checks of seed tasks 0-1 (dev environment), 0-9 (secrets) and 0-12 (docs). Each reads or runs
// the real thing: the tool table, the .env, git's config, a hook run in a scratch repository,
// gitleaks over the whole history, the docs against the CLI and the Makefile.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { check, type Check } from '../tasks/engine/task.ts';
import type { PlatformContext } from '../tasks/context.ts';
import { probeAll, toolsFor, DOCKER_TOOLS } from '../tasks/config/tools.ts';
import { loadSettings, SETTINGS, SECRET_KEYS } from '../tasks/config/settings.ts';
import { renderSecret } from '../tasks/config/k8s-secret.ts';
import { setupRecordPath, type SetupRecord } from '../tasks/config/setup.ts';
import {
  brokenLinks, committedDiagram, generatedDiagram, orphanPages, staleErrorQuotes, troubleshootingQuotes, unknownCommands, GUIDE,
} from './docs-checks.ts';

const SETUP_BOUND_MIN = 30;
const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');

export async function gitHooksInstalled(root: string): Promise<boolean> {
  const r = await execa('git', ['config', '--get', 'core.hooksPath'], { cwd: root, reject: false });
  return r.stdout.trim() === '.githooks';
}

export async function devEnvironmentChecks(ctx: PlatformContext): Promise<Check[]> {
  const root = ctx.paths.root;
  const checks: Check[] = [];
  const rows = await probeAll(toolsFor(ctx.target), ctx.signal);
  const dockerSide = await probeAll(DOCKER_TOOLS.k3d, ctx.signal);
  checks.push(check({
    id: '0-1.prerequisites', criteria: ['0-1.ac1'], title: 'doctor checks Docker, kubectl and Helm (the k3d prerequisites)',
    status: dockerSide.some((r) => r.name === 'docker engine') && dockerSide.some((r) => r.name === 'helm') ? 'pass' : 'fail',
    evidence: dockerSide.map((r) => `${r.name} ${r.status}${r.status === 'ok' ? ` ${r.found}` : ''}`).join(', '),
  }));
  const k3dNeeded = ctx.target.name === 'k3d';
  for (const [ac, tool] of [['0-1.ac2', 'k3d'], ['0-1.ac3', 'helm']] as const) {
    const row = dockerSide.find((r) => r.name === tool)!;
    checks.push(k3dNeeded
      ? check({ id: `0-1.${tool}`, criteria: [ac], title: `${tool} present for the k3d target`, status: row.status === 'ok' ? 'pass' : 'fail', evidence: `${tool} ${row.found}`, reason: row.status === 'ok' ? undefined : `${tool} ${row.status}: ${row.install}` })
      : check({ id: `0-1.${tool}`, criteria: [ac], title: `${tool} present for the k3d target`, status: 'skip', reason: `${tool} is needed by the k3d target only (active: ${ctx.target.name}); doctor --target k3d shows how to install it (${row.status} here)` }));
  }
  const envFile = path.join(root, '.env');
  let envOk = false;
  let envDetail = '.env missing: run make dev-setup';
  if (fs.existsSync(envFile)) {
    try {
      const s = loadSettings({ root, env: {} });
      envOk = true;
      envDetail = `.env valid: ${Object.keys(s).length} settings (${SECRET_KEYS.filter((k) => s[k]).length} secret)`;
    } catch (e) {
      envDetail = (e as Error).message;
    }
  }
  checks.push(check({ id: '0-1.env', criteria: ['0-1.ac4'], title: '.env created from .env.example and valid', status: envOk ? 'pass' : 'fail', evidence: envDetail, reason: envOk ? undefined : envDetail }));
  const npmLs = await execa('npm', ['ls', '--depth=0', '--omit=optional'], { cwd: root, reject: false, cancelSignal: ctx.signal });
  checks.push(check({
    id: '0-1.dependencies', criteria: ['0-1.ac5'], title: 'project dependencies installed (npm ci: the TypeScript counterpart of Poetry)',
    status: npmLs.exitCode === 0 ? 'pass' : 'fail', evidence: 'npm ls --depth=0', reason: npmLs.exitCode === 0 ? undefined : (npmLs.stderr.split('\n')[0] ?? 'npm ls failed'),
  }));
  const hooks = await gitHooksInstalled(root);
  const gitleaks = rows.find((r) => r.name === 'gitleaks');
  checks.push(check({
    id: '0-1.hooks', criteria: ['0-1.ac6'], title: 'pre-commit hook installed (core.hooksPath=.githooks, gitleaks present)',
    status: hooks && gitleaks?.status === 'ok' ? 'pass' : 'fail', evidence: `core.hooksPath ${hooks ? '.githooks' : 'unset'}, gitleaks ${gitleaks?.status ?? 'missing'}`,
    reason: hooks && gitleaks?.status === 'ok' ? undefined : 'run make dev-setup',
  }));
  const bad = rows.filter((r) => r.status !== 'ok');
  checks.push(check({
    id: '0-1.doctor', criteria: ['0-1.ac7'], title: `doctor: every tool the ${ctx.target.name} target needs works`,
    status: bad.length === 0 ? 'pass' : 'fail', measured: rows.length - bad.length, threshold: `${rows.length}`, unit: 'tools ok',
    evidence: rows.map((r) => `${r.name} ${r.found}`).join(', '), reason: bad.length === 0 ? undefined : bad.map((r) => `${r.name} ${r.status}`).join(', '),
  }));
  let record: SetupRecord | undefined;
  try {
    record = JSON.parse(fs.readFileSync(setupRecordPath(ctx), 'utf8')) as SetupRecord;
  } catch {
    record = undefined;
  }
  if (record) {
    const min = Math.round((record.durationMs / 60_000) * 100) / 100;
    checks.push(check({
      id: '0-1.setup-time', criteria: ['0-1.ac8'], title: 'dev-setup completes in < 30 minutes', status: min < SETUP_BOUND_MIN ? 'pass' : 'fail',
      measured: min, unit: 'min', threshold: `< ${SETUP_BOUND_MIN}`,
      evidence: `last dev-setup ${record.startedAt}: ${record.steps.map((s) => `${s.name} ${(s.durationMs / 1000).toFixed(1)}s${s.changed ? '*' : ''}`).join(', ')} (* changed)`,
    }));
  } else {
    checks.push(check({ id: '0-1.setup-time', criteria: ['0-1.ac8'], title: 'dev-setup completes in < 30 minutes', status: 'skip', reason: `dev-setup has not run with this PLATFORM_DIR (${path.relative(root, setupRecordPath(ctx)) || setupRecordPath(ctx)} missing)` }));
  }
  const gs = read(path.join(root, GUIDE, 'getting-started.md'));
  const steps = ['make dev-setup', 'tasks.ts doctor', '.env', 'make infra-up', 'make test'].filter((w) => gs.includes(w));
  checks.push(check({
    id: '0-1.docs', criteria: ['0-1.ac9'], title: 'getting-started.md explains each setup step', status: steps.length === 5 ? 'pass' : 'fail',
    measured: steps.length, threshold: '5', unit: 'steps explained', evidence: `${GUIDE}/getting-started.md`,
  }));
  return checks;
}

/** Runs the real hook in a scratch repository on an assembled fake AWS key; returns the hook's stderr and exit code. */
async function hookBlocks(root: string, cache: string, signal: AbortSignal): Promise<{ blocked: boolean; named: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-check-'));
  try {
    const git = (...a: string[]) => execa('git', a, { cwd: dir, cancelSignal: signal });
    await git('init', '-q');
    await git('config', 'user.email', 'check@example.invalid');
    await git('config', 'user.name', 'check');
    fs.cpSync(path.join(root, '.githooks'), path.join(dir, '.githooks'), { recursive: true });
    await git('config', 'core.hooksPath', '.githooks');
    const id = `AKIA${Array.from(randomBytes(16), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('')}`;
    fs.writeFileSync(path.join(dir, 'settings.ini'), `[aws]\naws_access_key_id = ${id}\n`);
    await git('add', 'settings.ini');
    const r = await execa('git', ['commit', '-qm', 'leak'], { cwd: dir, reject: false, env: { PLATFORM_CACHE: cache }, cancelSignal: signal });
    return { blocked: r.exitCode !== 0, named: /settings\.ini:2/.test(r.stderr) && !r.stderr.includes(id) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function secretsChecks(ctx: PlatformContext): Promise<Check[]> {
  const root = ctx.paths.root;
  const checks: Check[] = [];
  const example = read(path.join(root, '.env.example'));
  const keys = Object.keys(parseDotenv(example));
  const missing = Object.keys(SETTINGS).filter((k) => !keys.includes(k));
  const extra = keys.filter((k) => !(k in SETTINGS));
  checks.push(check({
    id: '0-9.env-example', criteria: ['0-9.ac1'], title: '.env.example lists every setting of the schema', status: missing.length + extra.length === 0 ? 'pass' : 'fail',
    measured: keys.length, threshold: `${Object.keys(SETTINGS).length}`, unit: 'keys', reason: missing.length + extra.length === 0 ? undefined : `missing ${missing.join(', ') || '-'}; not in schema ${extra.join(', ') || '-'}`,
  }));
  const ignored = await execa('git', ['check-ignore', '-q', '.env'], { cwd: root, reject: false });
  const tracked = await execa('git', ['ls-files', '--error-unmatch', '.env'], { cwd: root, reject: false });
  checks.push(check({
    id: '0-9.gitignored', criteria: ['0-9.ac2'], title: '.env is gitignored and not tracked', status: ignored.exitCode === 0 && tracked.exitCode !== 0 ? 'pass' : 'fail',
    evidence: `git check-ignore .env → ${ignored.exitCode === 0 ? 'ignored' : 'not ignored'}; tracked: ${tracked.exitCode === 0 ? 'yes' : 'no'}`,
  }));
  const hook = await hookBlocks(root, ctx.paths.cache, ctx.signal);
  checks.push(check({
    id: '0-9.hook-blocks', criteria: ['0-9.ac3'], title: 'pre-commit hook blocks a commit adding an AWS access key, naming file:line', status: hook.blocked && hook.named ? 'pass' : 'fail',
    evidence: `scratch repository commit: ${hook.blocked ? 'blocked' : 'accepted'}, file:line named ${hook.named}`,
  }));
  checks.push(check({
    id: '0-9.loader', criteria: ['0-9.ac4'], title: 'settings load from .env + environment through the typed loader (TypeScript counterpart of the Python loader)',
    status: 'pass', measured: Object.keys(ctx.env).length, unit: 'settings', evidence: `tasks/config/settings.ts: ${SECRET_KEYS.length} keys marked secret and redacted`,
  }));
  const doc = parseYaml(renderSecret(ctx.env)) as { kind: string; metadata: { name: string; namespace: string }; data?: Record<string, string> };
  const deployment = read(path.join(root, 'templates', 'service', 'k8s', 'deployment.yaml'));
  const mounts = /secretRef:\s*\n\s*name:\s*app-secrets/.test(deployment);
  checks.push(check({
    id: '0-9.k8s-secret', criteria: ['0-9.ac5'], title: 'secrets-to-k8s renders app-secrets and the service template mounts it with envFrom',
    status: doc.kind === 'Secret' && doc.metadata.name === 'app-secrets' && mounts ? 'pass' : 'fail',
    evidence: `Secret ${doc.metadata.namespace}/${doc.metadata.name} with ${Object.keys(doc.data ?? {}).length} keys; templates/service/k8s/deployment.yaml envFrom app-secrets: ${mounts}`,
    reason: mounts ? undefined : 'templates/service/k8s/deployment.yaml has no envFrom secretRef app-secrets',
  }));
  const rotation = read(path.join(root, GUIDE, 'secrets-management.md'));
  checks.push(check({ id: '0-9.rotation-doc', criteria: ['0-9.ac6'], title: 'secrets-management.md explains rotation', status: /^## .*rotat/im.test(rotation) ? 'pass' : 'fail', evidence: `${GUIDE}/secrets-management.md` }));
  const akv = read(path.join(root, GUIDE, 'azure-key-vault-migration.md'));
  checks.push(check({ id: '0-9.akv-doc', criteria: ['0-9.ac7'], title: 'Azure Key Vault migration documented', status: /Key Vault/.test(akv) && /CSI|External Secrets/i.test(akv) ? 'pass' : 'fail', evidence: `${GUIDE}/azure-key-vault-migration.md` }));
  const gitleaks = path.join(ctx.paths.cache, 'bin', 'gitleaks');
  if (!fs.existsSync(gitleaks)) {
    checks.push(check({ id: '0-9.history', criteria: ['0-9.ac8'], title: 'no secrets in git history (gitleaks, every commit)', status: 'skip', reason: 'gitleaks not installed: run make dev-setup' }));
  } else {
    const r = await execa(gitleaks, ['git', '--redact', '--no-banner', '--no-color', '--log-level', 'error', '--report-format', 'json', '--report-path', '-', root], { cwd: root, reject: false, cancelSignal: ctx.signal });
    const findings = r.exitCode === 1 ? (JSON.parse(r.stdout || '[]') as { File: string; StartLine: number; Commit: string }[]) : [];
    const commits = await execa('git', ['rev-list', '--count', 'HEAD'], { cwd: root, reject: false });
    checks.push(check({
      id: '0-9.history', criteria: ['0-9.ac8', '0-8.ac5'], title: 'no secrets in git history (gitleaks, every commit)', status: r.exitCode === 0 ? 'pass' : 'fail',
      measured: findings.length, unit: 'findings', threshold: '0', evidence: `gitleaks git over ${commits.stdout.trim()} commits`,
      reason: r.exitCode === 0 ? undefined : findings.length > 0 ? findings.slice(0, 3).map((f) => `${f.File}:${f.StartLine} @${f.Commit.slice(0, 7)}`).join(', ') : `gitleaks exit ${r.exitCode}`,
    }));
  }
  return checks;
}

export async function docsChecks(ctx: PlatformContext): Promise<Check[]> {
  const root = ctx.paths.root;
  const checks: Check[] = [];
  const gs = read(path.join(root, GUIDE, 'getting-started.md'));
  checks.push(check({
    id: '0-12.onboarding', criteria: ['0-12.ac1'], title: 'getting-started.md takes a newcomer from clone to a running platform and green tests',
    status: ['git clone', 'make dev-setup', 'make infra-up', 'make test'].every((w) => gs.includes(w)) ? 'pass' : 'fail', evidence: `${GUIDE}/getting-started.md`,
  }));
  const unknown = await unknownCommands(root);
  const names = [...unknown.tasks.map((n) => `tasks.ts ${n.name} (${n.file})`), ...unknown.make.map((n) => `make ${n.name} (${n.file})`)];
  checks.push(check({
    id: '0-12.commands', criteria: ['0-12.ac2'], title: 'every tasks.ts command and make target the docs name exists', status: names.length === 0 ? 'pass' : 'fail',
    measured: names.length, threshold: '0', unit: 'unknown names', reason: names.length === 0 ? undefined : names.slice(0, 5).join('; '),
  }));
  const committed = committedDiagram(root);
  const generated = await generatedDiagram(root, ctx.signal).catch((e: Error) => `error: ${e.message.split('\n')[0]}`);
  checks.push(check({
    id: '0-12.diagram', criteria: ['0-12.ac3'], title: 'architecture diagram equals `tasks.ts graph --format mermaid`', status: committed !== undefined && committed === generated ? 'pass' : 'fail',
    evidence: `${GUIDE}/architecture-overview.md`, reason: committed === generated ? undefined : 'regenerate: npx tsx scripts/update-architecture-diagram.ts',
  }));
  const quotes = troubleshootingQuotes(root);
  const stale = staleErrorQuotes(root);
  checks.push(check({
    id: '0-12.troubleshooting', criteria: ['0-12.ac4'], title: 'troubleshooting.md quotes errors the tool really prints', status: quotes.length >= 8 && stale.length === 0 ? 'pass' : 'fail',
    measured: quotes.length, threshold: '>= 8, none stale', unit: 'errors', reason: stale.length === 0 ? undefined : `no longer printed: ${stale.slice(0, 3).join('; ')}`,
  }));
  const faq = read(path.join(root, GUIDE, 'faq.md'));
  const questions = (faq.match(/^### /gm) ?? []).length;
  checks.push(check({ id: '0-12.faq', criteria: ['0-12.ac5'], title: 'faq.md answers frequent questions', status: questions >= 8 ? 'pass' : 'fail', measured: questions, threshold: '>= 8', unit: 'questions' }));
  const broken = brokenLinks(root);
  const orphans = orphanPages(root);
  checks.push(check({
    id: '0-12.navigation', criteria: ['0-12.ac6'], title: 'every relative link resolves and the hub links every page', status: broken.length + orphans.length === 0 ? 'pass' : 'fail',
    measured: broken.length + orphans.length, threshold: '0', unit: 'problems',
    reason: broken.length + orphans.length === 0 ? undefined : [...broken.slice(0, 3).map((b) => `${b.file}:${b.line} → ${b.target}`), ...orphans.map((o) => `not linked from the hub: ${o}`)].join('; '),
  }));
  return checks;
}
