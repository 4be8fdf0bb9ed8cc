// Checks of seed task 0-9 (secrets), as data: the .env schema, git's hook run in a scratch
// repository on an assembled fake key, the typed loader by use, the k8s Secret and its mount
// validated by kubeconform (k8s-mount.ts), the guides, gitleaks over the whole history.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseDotenv } from 'dotenv';
import { loadSettings, SETTINGS } from '../../config/settings.ts';
import { redact } from '../../config/redact.ts';
import { GUIDE } from '../../../validation/lib/docs.ts';
import { SUBSTITUTES } from '../../../validation/lib/checks.ts';
import { defineCheck, type DefinedCheck } from '../../../validation/lib/define-check.ts';
import { secretMountProof } from './k8s-mount.ts';
import { gitleaksReady } from '../../../validation/lib/gitleaks.ts';
import { gitleaksPath } from '../../config/gitleaks.ts';

const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');

/** Runs the real hook in a scratch repository on an assembled fake AWS key; returns the hook's stderr and exit code. */
async function hookBlocks(
  root: string,
  cache: string,
  signal: AbortSignal,
): Promise<{ blocked: boolean; named: boolean }> {
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
    const r = await execa('git', ['commit', '-qm', 'leak'], {
      cwd: dir,
      reject: false,
      env: { PLATFORM_CACHE: cache },
      cancelSignal: signal,
    });
    return { blocked: r.exitCode !== 0, named: /settings\.ini:2/.test(r.stderr) && !r.stderr.includes(id) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** 0-9.ac4 by use: the typed loader reads a secret from a scratch `.env`, the environment wins over
 * the file, the value is redacted from anything printed, and a malformed line is refused with its
 * file:line. The project's services load settings this way; the seed's is a Python app. */
function loaderProblems(): string[] {
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
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}

const envExample = defineCheck(
  {
    id: '0-9.env-example',
    criteria: ['0-9.ac1'],
    title: '.env.example lists every setting of the schema',
    proof: 'static',
  },
  (_, ctx) => {
    const keys = Object.keys(parseDotenv(read(path.join(ctx.paths.root, '.env.example'))));
    const missing = Object.keys(SETTINGS).filter((k) => !keys.includes(k));
    const extra = keys.filter((k) => !(k in SETTINGS));
    return {
      measured: keys.length,
      threshold: `${Object.keys(SETTINGS).length}`,
      unit: 'keys',
      problems:
        missing.length + extra.length
          ? [`missing ${missing.join(', ') || '-'}; not in schema ${extra.join(', ') || '-'}`]
          : [],
    };
  },
);

const gitignored = defineCheck(
  {
    id: '0-9.gitignored',
    criteria: ['0-9.ac2'],
    title: '.env is gitignored and not tracked',
    proof: 'static',
  },
  async (_, ctx) => {
    const cwd = ctx.paths.root;
    const ignored =
      (await execa('git', ['check-ignore', '-q', '.env'], { cwd, reject: false })).exitCode === 0;
    const tracked =
      (await execa('git', ['ls-files', '--error-unmatch', '.env'], { cwd, reject: false })).exitCode === 0;
    return {
      evidence: `git check-ignore .env → ${ignored ? 'ignored' : 'not ignored'}; tracked: ${tracked ? 'yes' : 'no'}`,
      problems: [...(ignored ? [] : ['.env is not ignored']), ...(tracked ? ['.env is tracked'] : [])],
    };
  },
);

const hook = defineCheck(
  {
    id: '0-9.hook-blocks',
    criteria: ['0-9.ac3'],
    title: 'pre-commit hook blocks a commit adding an AWS access key, naming file:line',
    proof: 'live',
  },
  async (_, ctx) => {
    const h = await hookBlocks(ctx.paths.root, ctx.paths.cache, ctx.signal);
    return {
      evidence: `scratch repository commit: ${h.blocked ? 'blocked' : 'accepted'}, file:line named ${h.named}`,
      problems: [
        ...(h.blocked ? [] : ['the commit was accepted']),
        ...(h.named ? [] : ['the hook did not name settings.ini:2']),
      ],
    };
  },
);

const loader = defineCheck(
  {
    id: '0-9.loader',
    criteria: ['0-9.ac4'],
    title: 'secrets load from .env through the typed settings loader (environment wins, value redacted)',
    proof: 'substitute',
    substitute: SUBSTITUTES.pythonSettings,
  },
  () => ({
    evidence:
      'scratch .env with ALPACA_SECRET_KEY: read, overridden by the environment, redacted, malformed line named by file:line',
    problems: loaderProblems(),
  }),
);

const k8sSecret = defineCheck(
  {
    id: '0-9.k8s-secret',
    criteria: ['0-9.ac5'],
    title:
      'secrets-to-k8s renders app-secrets and the Deployments mount it with envFrom (kubeconform -strict)',
    proof: 'rendered',
  },
  (_, ctx) => secretMountProof(ctx.paths.root, ctx.paths.cache, ctx.signal),
);

const doc = (
  id: string,
  criterion: '0-9.ac6' | '0-9.ac7',
  title: string,
  file: string,
  ok: (t: string) => boolean,
) =>
  defineCheck({ id, criteria: [criterion], title, proof: 'static' }, (_, ctx) => ({
    evidence: `${GUIDE}/${file}`,
    problems: ok(read(path.join(ctx.paths.root, GUIDE, file)))
      ? []
      : [`${GUIDE}/${file} does not explain it`],
  }));

const history = defineCheck(
  {
    id: '0-9.history',
    criteria: ['0-9.ac8', '0-8.ac5'],
    title: 'no secrets in git history (gitleaks, every commit)',
    proof: 'live',
    bound: { below: 1, unit: 'findings' },
  },
  async (_, ctx) => {
    const root = ctx.paths.root;
    // Built here on first use when a bare `up` left it to the first commit or verify.
    const unbuilt = await gitleaksReady(ctx);
    if (unbuilt) return { problems: [unbuilt] };
    const gitleaks = gitleaksPath(ctx.paths.cache);
    const args = [
      'git',
      '--redact',
      '--no-banner',
      '--no-color',
      '--log-level',
      'error',
      '--report-format',
      'json',
      '--report-path',
      '-',
      root,
    ];
    const r = await execa(gitleaks, args, { cwd: root, reject: false, cancelSignal: ctx.signal });
    if (r.exitCode !== 0 && r.exitCode !== 1)
      throw new Error(`gitleaks exit ${r.exitCode}: ${r.stderr.trim().slice(0, 200)}`);
    const findings =
      r.exitCode === 1
        ? (JSON.parse(r.stdout || '[]') as { File: string; StartLine: number; Commit: string }[])
        : [];
    const commits = await execa('git', ['rev-list', '--count', 'HEAD'], { cwd: root, reject: false });
    return {
      measured: findings.length,
      threshold: '0',
      evidence: `gitleaks git over ${commits.stdout.trim()} commits`,
      problems: findings.slice(0, 3).map((f) => `${f.File}:${f.StartLine} @${f.Commit.slice(0, 7)}`),
    };
  },
);

export const SECRETS_CHECKS: readonly DefinedCheck[] = [
  envExample,
  gitignored,
  hook,
  loader,
  k8sSecret,
  doc(
    '0-9.rotation-doc',
    '0-9.ac6',
    'secrets-management.md explains rotation',
    'secrets-management.md',
    (t) => /^## .*rotat/im.test(t),
  ),
  doc(
    '0-9.akv-doc',
    '0-9.ac7',
    'Azure Key Vault migration documented',
    'azure-key-vault-migration.md',
    (t) => /Key Vault/.test(t) && /CSI|External Secrets/i.test(t),
  ),
  history,
];
