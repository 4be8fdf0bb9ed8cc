// The GitHub workflows, checked by a real workflow linter (actionlint, built from the Go module
// proxy by scripts/install-actionlint.sh) and for what seed task 0-8 asks of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';

const actionlint = path.join(resolvePaths().cache, 'bin', 'actionlint');
const wf = (name: string) => parse(fs.readFileSync(path.join(REPO_ROOT, '.github', 'workflows', name), 'utf8'));
type Step = { uses?: string; run?: string; with?: Record<string, unknown>; name?: string };
type Job = { steps: Step[]; if?: string; needs?: string[] };
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
const uses = (job: Job, prefix: string) => job.steps.find((s) => s.uses?.startsWith(prefix));

test('actionlint finds no problem in the workflows', async () => {
  assert.ok(fs.existsSync(actionlint), `missing ${actionlint}: run scripts/install-actionlint.sh`);
  const r = await execa(actionlint, ['-color=false'], { cwd: REPO_ROOT, reject: false });
  assert.is(r.exitCode, 0, r.stdout + r.stderr);
});

test('actionlint rejects a broken workflow (the linter is really checking)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-wf-'));
  try {
    const bad = path.join(dir, 'bad.yml');
    fs.writeFileSync(bad, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v5\n        with:\n          fetch-dept: 0\n');
    const r = await execa(actionlint, ['-color=false', bad], { reject: false });
    assert.is(r.exitCode, 1);
    assert.match(r.stdout, /input "fetch-dept" is not defined/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('ci.yml: push to main/develop and PRs; lint, unit with coverage, native integration, images on main; npm and Maven caches', () => {
  const ci = wf('ci.yml');
  assert.equal(ci.on.push.branches, ['main', 'develop']);
  assert.ok('pull_request' in ci.on);
  const jobs = ci.jobs as Record<string, Job>;
  assert.match(runs(jobs.lint!), /npm run lint/);
  assert.match(runs(jobs.unit!), /c8 .*tests\/run\.ts tests\/unit/);
  assert.ok(uses(jobs.unit!, 'codecov/codecov-action'), 'coverage reported');
  const it = jobs.integration!;
  assert.match(runs(it), /apt-get install .*prometheus/);
  assert.match(runs(it), /tests\/run\.ts tests\/integration/);
  assert.is(uses(it, 'actions/setup-java')?.with?.['java-version'], '17');
  assert.is(uses(it, 'actions/setup-java')?.with?.cache, 'maven');
  for (const j of ['lint', 'unit', 'integration']) assert.is(uses(jobs[j]!, 'actions/setup-node')?.with?.cache, 'npm', `${j} caches npm`);
  // e2e runs in CI too, in two shards side by side; Go's caches and the built tools are keyed by
  // the pinned versions (a pin bump rebuilds, nothing else does).
  assert.match(runs(it), /tests\/run\.ts tests\/integration tests\/e2e/);
  assert.equal((it as Job & { strategy?: { matrix?: { shard?: number[] } } }).strategy?.matrix?.shard, [1, 2]);
  const keys = it.steps.filter((s) => s.uses?.startsWith('actions/cache')).map((s) => String(s.with?.key));
  assert.ok(keys.some((k) => k.includes('manifests/versions.yaml') && k.includes('go.sum')), keys.join('; '));
  assert.ok(keys.some((k) => k.includes('manifests/versions.yaml') && k.includes('package-lock.json')), keys.join('; '));
  // The Docker paths GitHub's runners can run: make up, then verify --report, report and logs kept.
  const dp = jobs['docker-paths']! as Job & { 'continue-on-error'?: boolean; strategy?: { matrix?: { target?: string[] } } };
  assert.equal(dp.strategy?.matrix?.target, ['k3d', 'compose']);
  assert.is(dp['continue-on-error'], true);
  assert.match(runs(dp), /make up ARGS="--target \$\{\{ matrix\.target \}\}"/);
  assert.match(runs(dp), /make report ARGS="--target/);
  assert.ok(uses(dp, 'actions/upload-artifact')?.with?.path?.toString().includes('.platform/logs/'));
  assert.match(jobs.images!.if!, /refs\/heads\/main/);
  assert.ok(uses(jobs.images!, 'docker/build-push-action'));
});

test('security.yml: gitleaks over the full history, npm audit, Trivy image scan', () => {
  const jobs = wf('security.yml').jobs as Record<string, Job>;
  assert.is(uses(jobs.secrets!, 'actions/checkout')?.with?.['fetch-depth'], 0);
  assert.match(runs(jobs.secrets!), /gitleaks" git /);
  assert.match(runs(jobs.audit!), /npm audit/);
  assert.ok(jobs['image-scan']!.steps.some((s) => s.uses?.startsWith('aquasecurity/trivy-action') && s.with?.['image-ref']));
});

test('dependabot updates npm, Maven, Docker and the actions weekly', () => {
  const d = parse(fs.readFileSync(path.join(REPO_ROOT, '.github', 'dependabot.yml'), 'utf8'));
  assert.is(d.version, 2);
  const eco = new Set((d.updates as { 'package-ecosystem': string }[]).map((u) => u['package-ecosystem']));
  for (const e of ['npm', 'maven', 'docker', 'github-actions']) assert.ok(eco.has(e), e);
});

test.run();
