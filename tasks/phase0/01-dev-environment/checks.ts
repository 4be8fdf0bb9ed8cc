// Checks of seed task 0-1 (dev environment): the tool table, the .env, git's config, the setup
// record and the getting-started guide.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { check, type Check } from '../../engine/task.ts';
import type { PlatformContext } from '../../context.ts';
import { probeAll, toolsFor, DOCKER_TOOLS } from '../../config/tools.ts';
import { loadSettings, SECRET_KEYS } from '../../config/settings.ts';
import { setupRecordPath, type SetupRecord } from '../../config/setup.ts';
import { GUIDE } from '../12-docs/docs.ts';
import { substitute, SUBSTITUTES } from '../../../validation/lib/checks.ts';

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
  checks.push(check({ proof: 'live',
    id: '0-1.prerequisites', criteria: ['0-1.ac1'], title: 'doctor checks Docker, kubectl and Helm (the k3d prerequisites)',
    status: dockerSide.some((r) => r.name === 'docker engine') && dockerSide.some((r) => r.name === 'helm') ? 'pass' : 'fail',
    evidence: dockerSide.map((r) => `${r.name} ${r.status}${r.status === 'ok' ? ` ${r.found}` : ''}`).join(', '),
  }));
  for (const [ac, tool] of [['0-1.ac2', 'k3d'], ['0-1.ac3', 'helm']] as const) {
    const row = dockerSide.find((r) => r.name === tool)!;
    // Judged where the active target needs the tool (k3d's tool list has both), a skip elsewhere.
    checks.push(ctx.target.tools.some((t) => t.name === tool)
      ? check({ proof: 'live', id: `0-1.${tool}`, criteria: [ac], title: `${tool} present for the k3d target`, status: row.status === 'ok' ? 'pass' : 'fail', evidence: `${tool} ${row.found}`, reason: row.status === 'ok' ? undefined : `${tool} ${row.status}: ${row.install}` })
      : check({ proof: 'live', id: `0-1.${tool}`, criteria: [ac], title: `${tool} present for the k3d target`, status: 'skip', reason: `${tool} is needed by the k3d target only (active: ${ctx.target.name}); doctor --target k3d shows how to install it (${row.status} here)` }));
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
  checks.push(check({ proof: 'static', id: '0-1.env', criteria: ['0-1.ac4'], title: '.env created from .env.example and valid', status: envOk ? 'pass' : 'fail', evidence: envDetail, reason: envOk ? undefined : envDetail }));
  const npmLs = await execa('npm', ['ls', '--depth=0', '--omit=optional'], { cwd: root, reject: false, cancelSignal: ctx.signal });
  checks.push(check({ ...substitute(SUBSTITUTES.poetry),
    id: '0-1.dependencies', criteria: ['0-1.ac5'], title: 'project dependencies installed (npm ci: the TypeScript counterpart of Poetry)',
    status: npmLs.exitCode === 0 ? 'pass' : 'fail', evidence: 'npm ls --depth=0', reason: npmLs.exitCode === 0 ? undefined : (npmLs.stderr.split('\n')[0] ?? 'npm ls failed'),
  }));
  const hooks = await gitHooksInstalled(root);
  const gitleaks = rows.find((r) => r.name === 'gitleaks');
  checks.push(check({ proof: 'static',
    id: '0-1.hooks', criteria: ['0-1.ac6'], title: 'pre-commit hook installed (core.hooksPath=.githooks, gitleaks present)',
    status: hooks && gitleaks?.status === 'ok' ? 'pass' : 'fail', evidence: `core.hooksPath ${hooks ? '.githooks' : 'unset'}, gitleaks ${gitleaks?.status ?? 'missing'}`,
    reason: hooks && gitleaks?.status === 'ok' ? undefined : 'run make dev-setup',
  }));
  const bad = rows.filter((r) => r.status !== 'ok');
  checks.push(check({ proof: 'live',
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
    checks.push(check({ proof: 'live',
      id: '0-1.setup-time', criteria: ['0-1.ac8'], title: 'dev-setup completes in < 30 minutes', status: min < SETUP_BOUND_MIN ? 'pass' : 'fail',
      measured: min, unit: 'min', threshold: `< ${SETUP_BOUND_MIN}`,
      evidence: `last dev-setup ${record.startedAt}: ${record.steps.map((s) => `${s.name} ${(s.durationMs / 1000).toFixed(1)}s${s.changed ? '*' : ''}`).join(', ')} (* changed)`,
    }));
  } else {
    checks.push(check({ proof: 'live', id: '0-1.setup-time', criteria: ['0-1.ac8'], title: 'dev-setup completes in < 30 minutes', status: 'skip', reason: `dev-setup has not run with this PLATFORM_DIR (${path.relative(root, setupRecordPath(ctx)) || setupRecordPath(ctx)} missing)` }));
  }
  const gs = read(path.join(root, GUIDE, 'getting-started.md'));
  const steps = ['make dev-setup', 'tasks.ts doctor', '.env', 'make infra-up', 'make test'].filter((w) => gs.includes(w));
  checks.push(check({ proof: 'static',
    id: '0-1.docs', criteria: ['0-1.ac9'], title: 'getting-started.md explains each setup step', status: steps.length === 5 ? 'pass' : 'fail',
    measured: steps.length, threshold: '5', unit: 'steps explained', evidence: `${GUIDE}/getting-started.md`,
  }));
  return checks;
}
