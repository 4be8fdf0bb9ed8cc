// 0-4.ac5 live: the one rules source (manifests/prometheus/rules) is loaded and healthy in the
// live Prometheus with the seed's six alerts, every rule expression evaluates there, and every
// metric the rules read is exported by a scrape target.
import { defineCheck, type DefinedCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { evaluateAll, exportMeasure } from './export.ts';
import { SEED_ALERTS, type RuleGroup } from './rules.ts';
import type { Scrape } from './scrape.ts';

interface LiveRules {
  groups: { name: string; rules: { name: string; type: string; health: string; lastError?: string }[] }[];
}

const rulesLoaded = (groups: readonly RuleGroup[], s: Scrape) =>
  defineCheck(
    {
      id: '0-4.rules-loaded',
      criteria: ['0-4.ac5'],
      title: 'recording and alert rules loaded by the live Prometheus',
      needs: 'prometheus',
      proof: 'live',
    },
    async (): Promise<Measurement> => {
      const live = await s.prom.get<LiveRules>('/api/v1/rules');
      const liveRules = live.groups.flatMap((g) => g.rules);
      const alerts = new Set(liveRules.filter((r) => r.type === 'alerting').map((r) => r.name));
      return {
        measured: liveRules.length,
        threshold: `${groups.flatMap((g) => g.rules).length} rules, ${SEED_ALERTS.length} seed alerts`,
        unit: 'rules',
        evidence: `alerts: ${[...alerts].join(', ')}`,
        problems: [
          ...groups.filter((g) => !live.groups.some((l) => l.name === g.name)).map((g) => `group ${g.name} not loaded`),
          ...SEED_ALERTS.filter((a) => !alerts.has(a)).map((a) => `alert ${a} not loaded`),
          ...liveRules.filter((r) => r.health === 'err').map((r) => `${r.name}: ${r.lastError ?? 'error'}`),
        ],
      };
    },
  );

const rulesEvaluate = (groups: readonly RuleGroup[], s: Scrape) =>
  defineCheck(
    {
      id: '0-4.rules-evaluate',
      criteria: ['0-4.ac5'],
      title: 'every rule expression evaluates against the live Prometheus',
      needs: 'prometheus',
      proof: 'live',
    },
    async (): Promise<Measurement> => {
      const rules = groups.flatMap((g) => g.rules);
      const ev = await evaluateAll(s.prom, rules.map((r) => ({ where: r.record ?? r.alert ?? '?', expr: r.expr })));
      return {
        measured: `${rules.length - ev.failures.length}/${rules.length}`,
        unit: 'expressions',
        evidence: `${ev.empty.length} with no data yet`,
        problems: ev.failures,
      };
    },
  );

const rulesMetrics = (groups: readonly RuleGroup[], s: Scrape) =>
  defineCheck(
    {
      id: '0-4.rules-metrics',
      criteria: ['0-4.ac5'],
      title: 'every metric the rules read is exported by a scrape target',
      needs: 'prometheus',
      proof: 'live',
    },
    () => exportMeasure(groups.flatMap((g) => g.rules.map((r) => r.expr)), s),
  );

export const ruleChecks = (groups: readonly RuleGroup[], s: Scrape): DefinedCheck[] => [
  rulesLoaded(groups, s),
  rulesEvaluate(groups, s),
  rulesMetrics(groups, s),
];
