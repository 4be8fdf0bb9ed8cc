// kube-prometheus-stack values for k3d: the seed's retention and storage, Grafana's admin
// password from a Secret (never a literal), and the sidecar selecting exactly the labels the
// generated dashboard ConfigMaps carry.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { dashboardConfigMapsFile } from '../../scripts/metrics-k8s.ts';

interface Values {
  prometheus: {
    prometheusSpec: {
      retention: string;
      ruleSelectorNilUsesHelmValues: boolean;
      storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: string } } } } };
      additionalScrapeConfigs: { job_name: string }[];
    };
  };
  grafana: {
    adminPassword?: string;
    admin: { existingSecret: string; passwordKey: string };
    sidecar: {
      dashboards: { enabled: boolean; label: string; labelValue: string };
      datasources: { uid: string };
    };
  };
}

const file = path.join(REPO_ROOT, 'manifests', 'k8s', 'infra', 'prometheus', 'values.yaml');
const text = fs.readFileSync(file, 'utf8');
const values = YAML.parse(text) as Values;

test('retention 30d and 20Gi storage, as the seed asks', () => {
  assert.is(values.prometheus.prometheusSpec.retention, '30d');
  assert.is(
    values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage,
    '20Gi',
  );
});

test('Grafana admin password comes from a Secret, not a literal', () => {
  assert.is(values.grafana.adminPassword, undefined);
  assert.not.match(text, /adminPassword\s*:/);
  assert.is(values.grafana.admin.existingSecret, 'grafana-admin');
  assert.is(values.grafana.admin.passwordKey, 'admin-password');
});

test('the sidecar selects the generated dashboard ConfigMaps, and the datasource uid is the dashboards one', () => {
  const { label, labelValue, enabled } = values.grafana.sidecar.dashboards;
  assert.ok(enabled);
  const maps = YAML.parseAllDocuments(fs.readFileSync(dashboardConfigMapsFile(REPO_ROOT), 'utf8')).map(
    (d) => d.toJS() as { kind: string; metadata: { labels: Record<string, string> } },
  );
  assert.is(maps.length, 4);
  for (const m of maps) assert.is(m.metadata.labels[label], labelValue);
  assert.is(values.grafana.sidecar.datasources.uid, 'prometheus');
});

test('PrometheusRule objects are selected and the scrape jobs match the other targets', () => {
  assert.is(values.prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues, false);
  const jobs = values.prometheus.prometheusSpec.additionalScrapeConfigs.map((j) => j.job_name);
  assert.equal(jobs, ['kafka', 'kafka-lag-exporter', 'demo-service']);
});

test.run();
