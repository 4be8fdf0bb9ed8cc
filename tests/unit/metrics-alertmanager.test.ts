// The native Alertmanager routes as the k3d path's does, and the native Prometheus/Alertmanager
// builds are pinned once: by the images the Docker paths run, equal to what the pinned k3d chart
// deploys. Reads the real chart (the offline mirror, else `helm pull`), never a copy of it.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';
import { chartFor, loadVersions } from '../../tasks/config/versions.ts';
import { moduleVersion, pinned } from '../../tasks/targets/native/go-backends.ts';
import { alertmanagerConfig } from '../../tasks/targets/native/prometheus.ts';
import { chartRuns, tagOf } from '../../tasks/phase0/04-metrics/alerting-checks.ts';
import { locateChart } from '../../validation/docker/charts.ts';

interface ChartValues {
  alertmanager: { config: Record<string, unknown>; alertmanagerSpec: { image: { tag: string } } };
  prometheus: { prometheusSpec: { image: { tag: string } } };
}

async function chartValues(): Promise<ChartValues> {
  const v = loadVersions();
  const chart = chartFor(v, 'kube-prometheus-stack');
  const paths = resolvePaths();
  const src = await locateChart(chart.name, chart, { helm: path.join(paths.cache, 'bin', 'helm'), cache: paths.cache });
  const r = await execa('tar', ['-xzOf', src.file, `${chart.name}/values.yaml`]);
  return parse(r.stdout) as ChartValues;
}

test("the native Alertmanager config is the k3d chart's default, less the container-only templates path", async () => {
  const chart = await chartValues();
  const { templates, ...routes } = chart.alertmanager.config;
  assert.ok(Array.isArray(templates), 'the chart still has a templates line (else drop this exception)');
  const native = parse(fs.readFileSync(alertmanagerConfig(resolvePaths()), 'utf8')) as Record<string, unknown>;
  assert.equal(native, routes);
  // The k3d values keep the chart's routes: no override that this file would have to follow.
  const k3d = parse(
    fs.readFileSync(path.join(REPO_ROOT, 'manifests/k8s/infra/prometheus/values.yaml'), 'utf8'),
  ) as { alertmanager?: Record<string, unknown> };
  assert.not.ok(k3d.alertmanager && 'config' in k3d.alertmanager, 'k3d values override alertmanager.config');
});

test('Prometheus and Alertmanager are pinned once: the images, equal to what the k3d chart deploys', async () => {
  const v = loadVersions();
  const chart = await chartValues();
  const prom = tagOf(v.images.prometheus!.image);
  const am = tagOf(v.images.alertmanager!.image);
  assert.is(chart.prometheus.prometheusSpec.image.tag, `v${prom}-distroless`);
  assert.is(chart.alertmanager.alertmanagerSpec.image.tag, `v${am}`);
  assert.is(chartRuns(v, 'Prometheus'), prom);
  assert.is(chartRuns(v, 'Alertmanager'), am);
  // The native builds derive their module versions from those tags.
  assert.equal([pinned('prometheus').release, pinned('promtool').release, pinned('alertmanager').release], [prom, prom, am]);
  assert.is(pinned('prometheus').version, moduleVersion('github.com/prometheus/prometheus', `v${prom}`));
  assert.ok(pinned('prometheus').tags?.includes('remove_all_sd'), 'cloud service discovery left out');
});

test('moduleVersion: Prometheus v3.MM.P is module v0.3MM.P; other modules use the release', () => {
  assert.is(moduleVersion('github.com/prometheus/prometheus', 'v3.14.0'), 'v0.314.0');
  assert.is(moduleVersion('github.com/prometheus/prometheus', 'v3.5.2'), 'v0.305.2');
  assert.is(moduleVersion('github.com/prometheus/alertmanager', 'v0.34.0'), 'v0.34.0');
});

test.run();
