// 0-4's checks of the repository's own files, no running software: the one rules source through
// the platform's promtool (check and the alert unit tests: proof rendered), the dashboards against
// the schema, and the metrics guide naming what it must explain (proof static).
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { PlatformContext } from '../../context.ts';
import { perVerify } from '../../../validation/lib/per-verify.ts';
import { defineCheck, type DefinedCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { dashboardErrors, dashboardsDir } from './dashboards.ts';
import { ensurePromtool, PROMTOOL_MISSING, promtoolBin } from './promtool.ts';
import { RULE_FILES, rulesDir, SEED_ALERTS } from './rules.ts';

export const DOCS_FILE = path.join('docs', 'developer-guide', 'observability-metrics.md');
const SEED_DASHBOARDS = ['Example-App Overview', 'Service Metrics', 'Kafka Metrics', 'Resource Usage'];

/** promtool built when missing (ensurePromtool), asked once per verify; the reason when it is not there. */
const promtoolReady = perVerify(
  async (ctx: PlatformContext): Promise<string | undefined> =>
    ensurePromtool(ctx.paths, { signal: ctx.signal, log: ctx.note ?? ctx.log }).then(() => undefined, errText),
);

/** One promtool run on the rules source (its args), judged by its exit code. */
async function promtool(ctx: PlatformContext, args: readonly string[]): Promise<Measurement> {
  const notBuilt = await promtoolReady(ctx);
  if (notBuilt) return { problems: [notBuilt] };
  const r = await execa(promtoolBin(ctx.paths.cache), args, { reject: false, timeout: 60_000, cwd: ctx.paths.root });
  if (r.code === 'ENOENT') return { problems: [PROMTOOL_MISSING] };
  const text = `${r.stdout}\n${r.stderr}`.trim();
  const verdicts = text
    .split('\n')
    .filter((l) => /SUCCESS|FAILED/.test(l))
    .join('; ');
  return {
    evidence: `promtool ${args[0]} ${args[1]}: ${verdicts.slice(0, 300)}`,
    problems: r.exitCode === 0 ? [] : [text.split('\n').slice(-8).join(' | ').slice(0, 600)],
  };
}

const ruleFiles = (root: string) => RULE_FILES.map((f) => path.join(rulesDir(root), f));

/** `promtool check rules` and `promtool test rules` on the one rules source, with the platform's promtool. */
export const promtoolChecks: readonly DefinedCheck[] = [
  defineCheck(
    { id: '0-4.promtool-check', criteria: ['0-4.ac5'], title: 'promtool check rules', proof: 'rendered' },
    (_, ctx) => promtool(ctx, ['check', 'rules', ...ruleFiles(ctx.paths.root)]),
  ),
  defineCheck(
    { id: '0-4.promtool-test', criteria: ['0-4.ac5'], title: 'promtool test rules: the six alert unit tests', proof: 'rendered' },
    (_, ctx) =>
      promtool(ctx, ['test', 'rules', path.join(ctx.paths.root, 'manifests', 'prometheus', 'tests', 'alerts.test.yml')]),
  ),
];

/** Each dashboard file against the schema: the titles of the valid ones and the errors of the rest. */
function readDashboardFiles(root: string): { titles: string[]; errors: string[] } {
  const dir = dashboardsDir(root);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const titles: string[] = [];
  const errors: string[] = [];
  for (const f of files) {
    try {
      const json = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { title?: string };
      const e = dashboardErrors(json);
      if (e.length) errors.push(`${f}: ${e.slice(0, 3).join('; ')}`);
      else titles.push(json.title ?? f);
    } catch (e) {
      errors.push(`${f}: ${errText(e)}`);
    }
  }
  return { titles, errors };
}

export const dashboardSchema = defineCheck(
  {
    id: '0-4.dashboards',
    criteria: ['0-4.ac4'],
    title: 'the seed four dashboards are valid Grafana JSON (ajv schema)',
    proof: 'static',
  },
  (_, ctx): Measurement => {
    const { titles, errors } = readDashboardFiles(ctx.paths.root);
    const missing = SEED_DASHBOARDS.filter((t) => !titles.includes(t));
    return {
      measured: titles.length,
      threshold: `${SEED_DASHBOARDS.length} seed dashboards`,
      unit: 'dashboards',
      evidence: titles.join(', '),
      problems: [...errors, ...missing.map((t) => `seed dashboard "${t}" missing`)],
    };
  },
);

export const metricsDocs = defineCheck(
  { id: '0-4.docs', criteria: ['0-4.ac8'], title: 'docs explain the dashboards, alerts and the lag metric', proof: 'static' },
  (_, ctx): Measurement => {
    const file = path.join(ctx.paths.root, DOCS_FILE);
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const missing = [...SEED_DASHBOARDS, 'kafka_consumergroup_lag', ...SEED_ALERTS].filter((n) => !text.includes(n));
    return {
      evidence: DOCS_FILE,
      problems: !text ? [`${DOCS_FILE} missing`] : missing.length ? [`not mentioned: ${missing.join(', ')}`] : [],
    };
  },
);

export const fileChecks: readonly DefinedCheck[] = [...promtoolChecks, dashboardSchema, metricsDocs];
