// The one rules source: promtool loads it and its alert unit tests pass; a broken threshold
// makes those tests fail; the k3d PrometheusRule and dashboard ConfigMaps match their sources.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';
import { loadVersions } from '../../tasks/config/versions.ts';
import { PROMTOOL_MISSING, promtoolBin } from '../../tasks/phase0/04-metrics/promtool.ts';
import { promtoolChecks } from '../../tasks/phase0/04-metrics/file-checks.ts';
import type { PlatformContext } from '../../tasks/context.ts';
import { runChecks } from '../../validation/lib/define-check.ts';
import {
  dashboardConfigMapsFile,
  prometheusRulesFile,
  renderDashboardConfigMaps,
  renderPrometheusRules,
} from '../../scripts/metrics-k8s.ts';
import { allRuleGroups, loadRuleGroups, SEED_ALERTS } from '../../tasks/phase0/04-metrics/rules.ts';

/**
 * The two promtool checks run on the rules under `root`. The project's other paths (the tools
 * cache): a clone whose dev-setup did not build promtool builds it there on first use.
 */
const promtoolAt = (root: string) =>
  runChecks(
    { paths: { ...resolvePaths(), root }, log: () => {}, signal: AbortSignal.timeout(600_000) } as unknown as PlatformContext,
    promtoolChecks,
  );

function tempRootWithRules(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-rules-'));
  fs.cpSync(path.join(REPO_ROOT, 'manifests', 'prometheus'), path.join(root, 'manifests', 'prometheus'), {
    recursive: true,
  });
  return root;
}

test('promtool check rules and promtool test rules pass on the repo rules', async () => {
  const checks = await promtoolAt(REPO_ROOT);
  assert.equal(
    checks.map((c) => c.id),
    ['0-4.promtool-check', '0-4.promtool-test'],
  );
  for (const c of checks) assert.is(c.status, 'pass', `${c.id}: ${c.reason ?? ''}`);
});

test('the rules are judged by the platform promtool, a 3.x one: its answers are the 3.x ones', async () => {
  const version = await execa(promtoolBin(), ['--version'], { reject: false });
  assert.is(version.exitCode, 0, PROMTOOL_MISSING);
  const pinned = loadVersions().images.prometheus!.image.split(':v')[1]!;
  assert.match(version.stdout, new RegExp(`^promtool, version ${pinned.replaceAll('.', '\\.')} `), 'the pinned release');
  // Left-open range selectors and `.` matching a newline: Debian's promtool 2.42 answers 2 and
  // nothing where 3.x answers 1 and 1, so this file fails under 2.x.
  const r = await execa(promtoolBin(), ['test', 'rules', 'manifests/prometheus/tests/prometheus3.test.yml'], {
    cwd: REPO_ROOT,
    reject: false,
  });
  assert.is(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /SUCCESS/);
});

test('the alert unit tests fail when a threshold or a for duration is wrong', async () => {
  for (const [from, to] of [
    [
      'consumergroup_topic:kafka_consumergroup_lag:sum > 10000',
      'consumergroup_topic:kafka_consumergroup_lag:sum > 20000',
    ],
    ['job:http_requests:error_ratio_rate5m > 0.05', 'job:http_requests:error_ratio_rate5m > 0.10'],
    ['for: 1m', 'for: 3m'],
  ] as const) {
    const root = tempRootWithRules();
    try {
      const file = path.join(root, 'manifests', 'prometheus', 'rules', 'alerts.yml');
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.includes(from), `alerts.yml no longer contains "${from}"`);
      fs.writeFileSync(file, text.replace(from, to));
      const [checkRules, testRules] = await promtoolAt(root);
      assert.is(checkRules?.status, 'pass');
      assert.is(testRules?.status, 'fail', `mutation "${to}" was not caught`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
});

test('promtool check rules fails on an expression that does not parse', async () => {
  const root = tempRootWithRules();
  try {
    const file = path.join(root, 'manifests', 'prometheus', 'rules', 'recording.yml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace(
          'sum by (job) (rate(http_requests_total[5m]))',
          'sum by (job) (rate(http_requests_total[5m])',
        ),
    );
    const [checkRules] = await promtoolAt(root);
    assert.is(checkRules?.status, 'fail');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('exactly the seed six alerts, each with a severity and the seed thresholds', () => {
  const alerts = loadRuleGroups(REPO_ROOT, 'alerts.yml').flatMap((g) => g.rules);
  assert.equal(alerts.map((a) => a.alert).sort(), [...SEED_ALERTS].sort());
  const by = Object.fromEntries(alerts.map((a) => [a.alert, a]));
  assert.is(by.ServiceDown?.for, '1m');
  assert.match(by.HighErrorRate?.expr ?? '', /> 0\.05$/);
  assert.match(by.HighLatencyP95?.expr ?? '', /> 0\.5$/);
  assert.match(by.DiskUsageHigh?.expr ?? '', /> 0\.80$/);
  assert.match(by.MemoryUsageHigh?.expr ?? '', /> 0\.90$/);
  assert.match(by.KafkaConsumerLagHigh?.expr ?? '', /> 10000$/);
  for (const a of alerts) assert.ok(a.labels?.severity, `${a.alert} has no severity label`);
});

test('the k3d PrometheusRule objects and dashboard ConfigMaps match the one source (regenerate with scripts/metrics-k8s.ts --write)', async () => {
  assert.fixture(
    fs.readFileSync(prometheusRulesFile(REPO_ROOT), 'utf8'),
    await renderPrometheusRules(REPO_ROOT),
  );
  assert.fixture(
    fs.readFileSync(dashboardConfigMapsFile(REPO_ROOT), 'utf8'),
    await renderDashboardConfigMaps(REPO_ROOT),
  );
  const text = await renderPrometheusRules(REPO_ROOT);
  const rules = allRuleGroups(REPO_ROOT).flatMap((g) => g.rules);
  for (const r of rules)
    assert.ok(
      text.includes(r.record ?? `alert: ${r.alert}`),
      `${r.record ?? r.alert} missing from the PrometheusRule`,
    );
});

test.run();
