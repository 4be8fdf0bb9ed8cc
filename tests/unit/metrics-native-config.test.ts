// The native Prometheus config: the template renders with every placeholder filled, promtool
// accepts the result (rules included), ports are validated; consumer-lag arithmetic.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../tasks/engine/task.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import { ensurePromtool } from '../../tasks/phase0/04-metrics/promtool.ts';
import { computeLag } from '../../tasks/targets/native/lag-exporter/lag.ts';
import {
  alertmanagerSpec,
  metricsPorts,
  prometheusSpec,
  renderTemplate,
  writeConfig,
} from '../../tasks/targets/native/prometheus.ts';

test('renderTemplate fills placeholders and refuses an unknown one', () => {
  assert.is(renderTemplate('a ${X} b ${Y}', { X: 1, Y: 'z' }), 'a 1 b z');
  assert.throws(
    () => renderTemplate('a ${MISSING}', {}),
    (e: Error) => e instanceof UsageError && e.message.includes('${MISSING}'),
  );
});

test('metricsPorts: defaults, overrides, and a one-line error for a bad port', () => {
  assert.equal(metricsPorts({}), {
    prometheus: 9090,
    kafkaMetrics: 7071,
    lagExporter: 9308,
    nodeExporter: 9100,
    demo: 8000,
    jaegerMetrics: 8888,
    victoriaLogs: 9428,
    collectorMetrics: 8889,
    alertmanager: 9093,
  });
  assert.is(metricsPorts({ PROMETHEUS_PORT: '19090' }).prometheus, 19090);
  assert.throws(
    () => metricsPorts({ LAG_EXPORTER_PORT: '70000' }),
    (e: Error) => e instanceof UsageError && e.message.startsWith('LAG_EXPORTER_PORT'),
  );
});

test('the rendered native config passes promtool check config, with the ports and rules in it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-config-'));
  try {
    const paths = resolvePaths({ PLATFORM_DIR: dir });
    const ports = metricsPorts({
      PROMETHEUS_PORT: '19191',
      KAFKA_METRICS_PORT: '17171',
      DEMO_PORT: '18181',
      ALERTMANAGER_PORT: '19393',
    });
    const file = await writeConfig(paths, ports);
    assert.ok(file.startsWith(dir), 'config must land under PLATFORM_DIR');
    const text = fs.readFileSync(file, 'utf8');
    assert.not.match(text, /\$\{/);
    for (const t of [
      "'127.0.0.1:19191'",
      "'127.0.0.1:17171'",
      "'127.0.0.1:18181'",
      "'127.0.0.1:9308'",
      "'127.0.0.1:9100'",
      "'127.0.0.1:8888'",
      "'127.0.0.1:9428'",
      "'127.0.0.1:8889'",
      "'127.0.0.1:19393'",
    ])
      assert.ok(text.includes(t), `missing target ${t}`);
    const promtool = await ensurePromtool(resolvePaths(), { log: () => {} });
    const r = await execa(promtool, ['check', 'config', file], { reject: false });
    assert.is(r.exitCode, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /SUCCESS: 17 rules found/);
    assert.match(r.stdout, /SUCCESS: 6 rules found/);
    assert.match(r.stdout, /watchdog\.yml\n.*SUCCESS: 1 rules found/);
    const spec = prometheusSpec(paths, ports, file);
    assert.ok(spec.args.includes('--storage.tsdb.retention.time=30d'));
    assert.ok(spec.args.includes(`--storage.tsdb.path=${path.join(dir, 'data', 'prometheus')}`));
    assert.ok(spec.args.includes('--web.listen-address=127.0.0.1:19191'));
    assert.is(spec.command, path.join(paths.cache, 'bin', 'prometheus'), 'the built Prometheus, not one on PATH');
    const am = alertmanagerSpec(paths, ports);
    assert.ok(am.args.includes('--web.listen-address=127.0.0.1:19393'));
    assert.ok(am.args.includes('--cluster.listen-address='), 'no HA gossip port shared across stacks');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('computeLag: end minus committed, no series without a commit or for a deleted topic, never negative', () => {
  const ends = new Map([
    ['orders/0', 120n],
    ['orders/1', 50n],
  ]);
  const lags = computeLag(
    [
      { group: 'g', topic: 'orders', partition: 0, offset: 100n },
      { group: 'g', topic: 'orders', partition: 1, offset: -1n },
      { group: 'g', topic: 'gone', partition: 0, offset: 3n },
      { group: 'h', topic: 'orders', partition: 1, offset: 60n },
    ],
    ends,
  );
  assert.equal(
    lags.map((l) => [l.group, l.topic, l.partition, l.lag]),
    [
      ['g', 'orders', 0, 20n],
      ['h', 'orders', 1, 0n],
    ],
  );
});

test.run();
