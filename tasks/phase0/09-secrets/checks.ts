// Checks of seed task 0-9 (secrets): the .env schema, git's hook run in a scratch repository on
// an assembled fake key, gitleaks over the whole history, the k8s Secret rendering.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { check, type Check } from '../../engine/task.ts';
import type { PlatformContext } from '../../context.ts';
import { loadSettings, SETTINGS } from '../../config/settings.ts';
import { redact } from '../../config/redact.ts';
import { GUIDE } from '../../../validation/lib/docs.ts';
import { renderSecret } from '../../config/k8s-secret.ts';
import { substitute, SUBSTITUTES } from '../../../validation/lib/checks.ts';

const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');

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

/**
 * 0-9.ac4 by use: the typed loader reads a secret from a scratch `.env`, the environment wins over
 * the file, the value is redacted from anything printed, and a malformed line is refused with its
 * file:line. The project's services load settings this way; the seed's is a Python app.
 */
export function loaderCheck(): Check {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loader-check-'));
  const key = 'ALPACA_SECRET_KEY';
  const canary = `canary${randomBytes(12).toString('hex')}`;
  const problems: string[] = [];
  try {
    fs.writeFileSync(path.join(dir, '.env'), `# scratch\n${key}=${canary}\nLOG_LEVEL=debug\n`);
    const fromFile = loadSettings({ root: dir, env: {} });
    if (fromFile[key] !== canary) problems.push(`${key} not read from .env`);
    if (fromFile.LOG_LEVEL !== 'debug') problems.push('LOG_LEVEL not read from .env');
    const overridden = loadSettings({ root: dir, env: { LOG_LEVEL: 'warn' } });
    if (overridden.LOG_LEVEL !== 'warn') problems.push('the environment does not win over .env');
    if (redact(`value=${canary}`).includes(canary)) problems.push('the secret is not redacted once loaded');
    fs.appendFileSync(path.join(dir, '.env'), 'not a setting\n');
    try {
      loadSettings({ root: dir, env: {} });
      problems.push('a malformed .env line was accepted');
    } catch (e) {
      const msg = (e as Error).message;
      if (!/:4: malformed line/.test(msg)) problems.push(`malformed line reported as: ${msg.slice(0, 120)}`);
      if (msg.includes(canary)) problems.push('the error carries the secret');
    }
  } catch (e) {
    problems.push(`loading failed: ${redact((e as Error).message).slice(0, 200)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return check({
    ...substitute(SUBSTITUTES.pythonSettings),
    id: '0-9.loader',
    criteria: ['0-9.ac4'],
    title: 'secrets load from .env through the typed settings loader (environment wins, value redacted)',
    status: problems.length === 0 ? 'pass' : 'fail',
    evidence: `scratch .env with ${key}: read, overridden by the environment, redacted, malformed line named by file:line`,
    ...(problems.length ? { reason: problems.join('; ') } : {}),
  });
}

export async function secretsChecks(ctx: PlatformContext): Promise<Check[]> {
  const root = ctx.paths.root;
  const checks: Check[] = [];
  const example = read(path.join(root, '.env.example'));
  const keys = Object.keys(parseDotenv(example));
  const missing = Object.keys(SETTINGS).filter((k) => !keys.includes(k));
  const extra = keys.filter((k) => !(k in SETTINGS));
  checks.push(check({ proof: 'static',
    id: '0-9.env-example', criteria: ['0-9.ac1'], title: '.env.example lists every setting of the schema', status: missing.length + extra.length === 0 ? 'pass' : 'fail',
    measured: keys.length, threshold: `${Object.keys(SETTINGS).length}`, unit: 'keys', reason: missing.length + extra.length === 0 ? undefined : `missing ${missing.join(', ') || '-'}; not in schema ${extra.join(', ') || '-'}`,
  }));
  const ignored = await execa('git', ['check-ignore', '-q', '.env'], { cwd: root, reject: false });
  const tracked = await execa('git', ['ls-files', '--error-unmatch', '.env'], { cwd: root, reject: false });
  checks.push(check({ proof: 'static',
    id: '0-9.gitignored', criteria: ['0-9.ac2'], title: '.env is gitignored and not tracked', status: ignored.exitCode === 0 && tracked.exitCode !== 0 ? 'pass' : 'fail',
    evidence: `git check-ignore .env → ${ignored.exitCode === 0 ? 'ignored' : 'not ignored'}; tracked: ${tracked.exitCode === 0 ? 'yes' : 'no'}`,
  }));
  const hook = await hookBlocks(root, ctx.paths.cache, ctx.signal);
  checks.push(check({ proof: 'live',
    id: '0-9.hook-blocks', criteria: ['0-9.ac3'], title: 'pre-commit hook blocks a commit adding an AWS access key, naming file:line', status: hook.blocked && hook.named ? 'pass' : 'fail',
    evidence: `scratch repository commit: ${hook.blocked ? 'blocked' : 'accepted'}, file:line named ${hook.named}`,
  }));
  checks.push(loaderCheck());
  const doc = parseYaml(renderSecret(ctx.env)) as { kind: string; metadata: { name: string; namespace: string }; data?: Record<string, string> };
  const deployment = read(path.join(root, 'templates', 'service', 'k8s', 'deployment.yaml'));
  const mounts = /secretRef:\s*\n\s*name:\s*app-secrets/.test(deployment);
  checks.push(check({ proof: 'static',
    id: '0-9.k8s-secret', criteria: ['0-9.ac5'], title: 'secrets-to-k8s renders app-secrets and the service template mounts it with envFrom',
    status: doc.kind === 'Secret' && doc.metadata.name === 'app-secrets' && mounts ? 'pass' : 'fail',
    evidence: `Secret ${doc.metadata.namespace}/${doc.metadata.name} with ${Object.keys(doc.data ?? {}).length} keys; templates/service/k8s/deployment.yaml envFrom app-secrets: ${mounts}`,
    reason: mounts ? undefined : 'templates/service/k8s/deployment.yaml has no envFrom secretRef app-secrets',
  }));
  const rotation = read(path.join(root, GUIDE, 'secrets-management.md'));
  checks.push(check({ proof: 'static', id: '0-9.rotation-doc', criteria: ['0-9.ac6'], title: 'secrets-management.md explains rotation', status: /^## .*rotat/im.test(rotation) ? 'pass' : 'fail', evidence: `${GUIDE}/secrets-management.md` }));
  const akv = read(path.join(root, GUIDE, 'azure-key-vault-migration.md'));
  checks.push(check({ proof: 'static', id: '0-9.akv-doc', criteria: ['0-9.ac7'], title: 'Azure Key Vault migration documented', status: /Key Vault/.test(akv) && /CSI|External Secrets/i.test(akv) ? 'pass' : 'fail', evidence: `${GUIDE}/azure-key-vault-migration.md` }));
  const gitleaks = path.join(ctx.paths.cache, 'bin', 'gitleaks');
  if (!fs.existsSync(gitleaks)) {
    checks.push(check({ proof: 'live', id: '0-9.history', criteria: ['0-9.ac8'], title: 'no secrets in git history (gitleaks, every commit)', status: 'skip', reason: 'gitleaks not installed: run make dev-setup' }));
  } else {
    const r = await execa(gitleaks, ['git', '--redact', '--no-banner', '--no-color', '--log-level', 'error', '--report-format', 'json', '--report-path', '-', root], { cwd: root, reject: false, cancelSignal: ctx.signal });
    const findings = r.exitCode === 1 ? (JSON.parse(r.stdout || '[]') as { File: string; StartLine: number; Commit: string }[]) : [];
    const commits = await execa('git', ['rev-list', '--count', 'HEAD'], { cwd: root, reject: false });
    checks.push(check({ proof: 'live',
      id: '0-9.history', criteria: ['0-9.ac8', '0-8.ac5'], title: 'no secrets in git history (gitleaks, every commit)', status: r.exitCode === 0 ? 'pass' : 'fail',
      measured: findings.length, unit: 'findings', threshold: '0', evidence: `gitleaks git over ${commits.stdout.trim()} commits`,
      reason: r.exitCode === 0 ? undefined : findings.length > 0 ? findings.slice(0, 3).map((f) => `${f.File}:${f.StartLine} @${f.Commit.slice(0, 7)}`).join(', ') : `gitleaks exit ${r.exitCode}`,
    }));
  }
  return checks;
}
