// Checks of seed task 0-8 (CI/CD), as data: workflow triggers and jobs read from the YAML,
// actionlint over the workflows, the lint and test steps `.ci/run` records with
// scripts/ci-timed.ts, REQ-0.5 from the whole run's time (validation/lib/pipeline-time.ts), the
// security scans (scans.ts) and the settings only GitHub holds.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { PlatformContext } from '../../context.ts';
import { SUBSTITUTES } from '../../../validation/lib/checks.ts';
import { defineCheck, runChecks, type DefinedCheck } from '../../../validation/lib/define-check.ts';
import { pipelineTimeCheck, readCiTimings, timingsFile } from '../../../validation/lib/pipeline-time.ts';
import { npmAudit, securityWorkflow, trivy } from './scans.ts';
import { workflow } from './workflows.ts';

const NO_TIMINGS =
  'no CI run recorded yet (.ci/run records steps with scripts/ci-timed.ts into .platform/ci-timings.json)';
const stepsOf = (ctx: PlatformContext) => readCiTimings(timingsFile(ctx.paths.platform))?.steps;

const triggers = defineCheck(
  {
    id: '0-8.triggers',
    criteria: ['0-8.ac1', '0-8.ac2'],
    title: 'ci.yml runs on push to main/develop and on pull requests',
    proof: 'static',
  },
  (_, ctx) => {
    const ci = workflow(ctx.paths.root, 'ci.yml');
    const branches = ((ci?.on?.push ?? {}) as { branches?: string[] }).branches ?? [];
    const pr = ci !== undefined && 'pull_request' in ci.on;
    return {
      evidence: `on.push.branches=[${branches.join(', ')}], pull_request ${pr ? 'present' : 'missing'}`,
      problems: branches.includes('main') && branches.includes('develop') && pr ? [] : ['triggers missing'],
    };
  },
);

const actionlint = defineCheck(
  {
    id: '0-8.actionlint',
    criteria: ['0-8.ac1', '0-8.ac2'],
    title: 'actionlint accepts the workflows',
    proof: 'rendered',
    bound: { below: 1, unit: 'problems' },
  },
  async (_, ctx) => {
    const bin = path.join(ctx.paths.cache, 'bin', 'actionlint');
    if (!fs.existsSync(bin)) return { skip: 'actionlint not installed (scripts/install-actionlint.sh)' };
    const r = await execa(bin, ['-color=false', '-oneline'], {
      cwd: ctx.paths.root,
      reject: false,
      cancelSignal: ctx.signal,
    });
    const problems = r.stdout.split('\n').filter(Boolean);
    return {
      measured: problems.length,
      threshold: '0',
      evidence: r.exitCode === 0 ? 'actionlint .github/workflows/*.yml' : problems[0]?.slice(0, 200),
      problems: r.exitCode === 0 ? [] : [`${problems.length} problems`],
    };
  },
);

const lint = defineCheck(
  {
    id: '0-8.lint',
    criteria: ['0-8.ac3'],
    title: 'type check + lint pass (tsc, eslint: the TypeScript counterparts of mypy/flake8)',
    proof: 'substitute',
    substitute: SUBSTITUTES.pythonLinters,
  },
  (_, ctx) => {
    const l = stepsOf(ctx)?.lint;
    if (!l) return { skip: NO_TIMINGS };
    return {
      evidence: `${l.command} exit ${l.exitCode} (${l.finishedAt})`,
      problems: l.exitCode === 0 ? [] : [`exit ${l.exitCode}`],
    };
  },
);

// `.ci/run` runs the README's whole test command once as `test` (unit + integration + e2e);
// ci.yml's jobs record `unit` and `integration` separately.
const tests = defineCheck(
  { id: '0-8.tests', criteria: ['0-8.ac4'], title: 'unit and integration tests pass', proof: 'live' },
  (_, ctx) => {
    const s = stepsOf(ctx);
    const parts = s?.test ? [s.test] : s?.unit && s.integration ? [s.unit, s.integration] : [];
    if (!parts.length) return { skip: NO_TIMINGS };
    return {
      evidence: parts.map((p) => `${p.step} (${p.command}) exit ${p.exitCode}`).join(', '),
      problems: parts.every((p) => p.exitCode === 0) ? [] : ['a test step failed'],
    };
  },
);

/** What only GitHub holds: the Codecov upload and branch protection. */
const coverage = defineCheck(
  { id: '0-8.coverage', criteria: ['0-8.ac6'], title: 'coverage reported to Codecov', proof: 'static' },
  (_, ctx) => {
    const unitSteps = workflow(ctx.paths.root, 'ci.yml')?.jobs.unit?.steps ?? [];
    return {
      skip: unitSteps.some((s) => s.uses?.startsWith('codecov/codecov-action'))
        ? 'the upload happens on GitHub only; ci.yml runs the unit tests under c8 and uploads coverage/lcov.info with codecov/codecov-action'
        : 'ci.yml has no Codecov upload step',
    };
  },
);

const requiredChecks = defineCheck(
  { id: '0-8.required-checks', criteria: ['0-8.ac8'], title: 'failed builds block merging', proof: 'static' },
  () => ({
    skip: 'branch protection is a GitHub repository setting: mark the lint, unit and integration jobs as required (docs/developer-guide/ci-cd-pipeline.md)',
  }),
);

const JOBS = ['lint', 'unit', 'integration', 'images', 'gitleaks', 'Trivy', 'npm audit'];
const docs = defineCheck(
  {
    id: '0-8.docs',
    criteria: ['0-8.ac9'],
    title: 'ci-cd-pipeline.md explains every job',
    proof: 'static',
    bound: { atLeast: JOBS.length, unit: 'jobs explained' },
  },
  (_, ctx) => {
    const file = path.join(ctx.paths.root, 'docs', 'developer-guide', 'ci-cd-pipeline.md');
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    return {
      measured: JOBS.filter((w) => text.includes(w)).length,
      threshold: `${JOBS.length}`,
      evidence: 'docs/developer-guide/ci-cd-pipeline.md',
    };
  },
);

/** Every 0-8 check, in report order; REQ-0.5 is the whole pipeline's wall time, the same figure 0-13 judges. */
export async function ciCdChecks(ctx: PlatformContext) {
  const run = (cs: readonly DefinedCheck[]) => runChecks(ctx, cs);
  return [
    ...(await run([triggers, actionlint, lint, tests])),
    await pipelineTimeCheck(ctx.paths.root, ctx.paths.platform, {
      id: '0-8.duration',
      criteria: ['0-8.ac7'],
    }),
    ...(await run([securityWorkflow, npmAudit, trivy, coverage, requiredChecks, docs])),
  ];
}
