// The one rules source (manifests/prometheus/rules/*.yml) read as data, for the live checks, the
// k3d PrometheusRule generator and the docs.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: {
    record?: string;
    alert?: string;
    expr: string;
    for?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }[];
}

export const RULE_FILES = ['recording.yml', 'alerts.yml'] as const;
export const rulesDir = (root: string) => path.join(root, 'manifests', 'prometheus', 'rules');
export const SEED_ALERTS = [
  'ServiceDown',
  'HighErrorRate',
  'HighLatencyP95',
  'DiskUsageHigh',
  'MemoryUsageHigh',
  'KafkaConsumerLagHigh',
] as const;

export function loadRuleGroups(root: string, file: (typeof RULE_FILES)[number]): RuleGroup[] {
  const doc = YAML.parse(fs.readFileSync(path.join(rulesDir(root), file), 'utf8')) as {
    groups?: RuleGroup[];
  };
  return doc.groups ?? [];
}

export function allRuleGroups(root: string): RuleGroup[] {
  return RULE_FILES.flatMap((f) => loadRuleGroups(root, f));
}

/** Recording rule name → expression. */
export function recordingRules(root: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const g of allRuleGroups(root)) for (const r of g.rules) if (r.record) m.set(r.record, r.expr);
  return m;
}
