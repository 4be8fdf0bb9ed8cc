// The logs/traces manifests say what the seed asks (retention, persistence, receivers, JSON
// parsing, datasource correlation) and the k3d and compose variants agree. Static: no Docker here.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { hoursOf } from '../../validation/lib/logs.ts';

const read = (rel: string) => fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8');
const yaml = (rel: string) => YAML.parse(read(rel)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('Loki: single binary, 20Gi persistence, 30-day retention enforced by the compactor, schema v13 (k3d and compose)', () => {
  const v = yaml('manifests/k8s/infra/loki/values.yaml');
  assert.is(v.deploymentMode, 'SingleBinary');
  assert.is(v.singleBinary.replicas, 1);
  assert.is(v.singleBinary.persistence.size, '20Gi');
  assert.ok(v.singleBinary.persistence.enabled);
  for (const mode of ['read', 'write', 'backend']) assert.is(v[mode].replicas, 0, mode);
  assert.is(hoursOf(v.loki.limits_config.retention_period), 720);
  assert.ok(v.loki.compactor.retention_enabled);
  assert.is(v.loki.schemaConfig.configs[0].schema, 'v13');
  const c = yaml('manifests/compose/loki/loki.yaml');
  assert.is(hoursOf(c.limits_config.retention_period), 720);
  assert.ok(c.compactor.retention_enabled);
  assert.is(c.schema_config.configs[0].schema, 'v13');
  assert.ok(c.limits_config.allow_structured_metadata);
});

test('Tempo 2.10.8 on both Docker targets: 10Gi persistence, 7-day retention, OTLP gRPC receiver, the 2.x config format', () => {
  const v = yaml('manifests/k8s/infra/tempo/values.yaml');
  assert.is(hoursOf(v.tempo.retention), 168);
  assert.is(v.persistence.size, '10Gi');
  assert.ok(v.persistence.enabled);
  assert.is(v.tempo.receivers.otlp.protocols.grpc.endpoint, '0.0.0.0:4317');
  // The chart's Service template needs its default Jaeger receivers (null fails the render).
  assert.not.ok('jaeger' in v.tempo.receivers, 'Jaeger receivers left to the chart');
  const versions = yaml('manifests/versions.yaml');
  assert.match(versions.charts.tempo.runs, /^Tempo 2\.10\.8/);
  assert.is(versions.images.tempo.image, 'grafana/tempo:2.10.8', 'compose runs the release the chart runs');
  const c = yaml('manifests/compose/tempo/tempo.yaml');
  assert.is(hoursOf(c.compactor.compaction.block_retention), 168);
  assert.is(c.distributor.receivers.otlp.protocols.grpc.endpoint, '0.0.0.0:4317');
  assert.not.ok('backend_scheduler' in c, 'a Tempo 3 block, which 2.x rejects');
});

test('Alloy (k3d and compose) parses the JSON format: service/level labels, trace ids as structured metadata, ships to Loki', () => {
  const k8s = yaml('manifests/k8s/infra/alloy/values.yaml').alloy.configMap.content as string;
  const compose = read('manifests/compose/alloy/config.alloy');
  for (const [name, cfg] of [
    ['k3d', k8s],
    ['compose', compose],
  ] as const) {
    assert.match(
      cfg,
      /stage\.json\s*\{[^}]*trace_id\s*=\s*"trace_id"/s,
      `${name}: json stage extracts trace_id`,
    );
    assert.match(
      cfg,
      /stage\.labels\s*\{\s*values\s*=\s*\{\s*service = "", level = "" \}/,
      `${name}: service/level labels`,
    );
    assert.match(
      cfg,
      /stage\.structured_metadata\s*\{\s*values\s*=\s*\{\s*trace_id = "", span_id = "" \}/,
      `${name}: ids as metadata`,
    );
    assert.match(
      cfg,
      /collector"?\s*\n?\s*replacement\s*=\s*"alloy"|target_label = "collector"/,
      `${name}: collector label`,
    );
    assert.match(cfg, /loki\/api\/v1\/push/, `${name}: pushes to Loki`);
    // Balanced braces: a cheap guard against a truncated block.
    assert.is((cfg.match(/\{/g) ?? []).length, (cfg.match(/\}/g) ?? []).length, `${name}: braces balance`);
  }
  assert.match(k8s, /loki\.source\.kubernetes/);
  assert.match(k8s, /spec\.nodeName=" \+ sys\.env\("NODE_NAME"\)/, 'each DaemonSet pod tails its own node');
  assert.match(compose, /loki\.source\.docker/);
});

test('Grafana datasources (k3d ConfigMap and compose provisioning): Loki and Tempo, correlated on trace_id', () => {
  const cm = yaml('manifests/k8s/infra/grafana/datasources-loki-tempo.yaml');
  assert.is(cm.kind, 'ConfigMap');
  assert.is(cm.metadata.labels.grafana_datasource, '1', 'picked up by the Grafana sidecar');
  const k8s = YAML.parse(cm.data['loki-tempo.yaml']) as { datasources: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const compose = yaml('manifests/grafana/datasources/loki-tempo.yaml') as { datasources: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const [name, file] of [
    ['k3d', k8s],
    ['compose', compose],
  ] as const) {
    const loki = file.datasources.find((d) => d.uid === 'loki');
    const tempo = file.datasources.find((d) => d.uid === 'tempo');
    assert.is(loki?.type, 'loki', name);
    assert.is(tempo?.type, 'tempo', name);
    const derived = loki.jsonData.derivedFields[0];
    assert.is(derived.datasourceUid, 'tempo');
    const re = new RegExp(derived.matcherRegex);
    assert.is(
      re.exec('{"level":"INFO","trace_id":"0af7651916cd43dd8448eb211c80319c","message":"x"}')?.[1],
      '0af7651916cd43dd8448eb211c80319c',
    );
    assert.is(tempo.jsonData.tracesToLogsV2.datasourceUid, 'loki');
    assert.match(tempo.jsonData.tracesToLogsV2.query, /trace_id="\$\$\{__trace\.traceId\}"/);
  }
  assert.match(k8s.datasources[0].url, /\.svc\.cluster\.local:3100$/);
  assert.is(compose.datasources[0].url, 'http://loki:3100');
});

test.run();
