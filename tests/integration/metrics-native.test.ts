// The native metrics stack against a real Kafka broker: Prometheus and Alertmanager (the Docker
// paths' releases, built from the Go module proxy) with the project's config, node_exporter and
// the consumer-lag exporter, in a temp PLATFORM_DIR on free ports. Waits for the broker's JMX exporter and the lag exporter targets to be up, then reads
// real Kafka series: messages in from the broker, and a consumer lag we set up (30 messages
// produced, offset 10 committed: lag 20). Then runs the 0-4 verify checks against it.
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolvePaths } from '../../tasks/paths.ts';
import type { Paths, PlatformContext } from '../../tasks/context.ts';
import { startMetrics, stopMetrics } from '../../tasks/targets/native/prometheus.ts';
import { readPid, rssOfTree } from '../../tasks/targets/native/supervisor.ts';
import { unavailable, type Endpoints } from '../../tasks/targets/target.ts';
import { metricsChecks } from '../../tasks/phase0/04-metrics/checks.ts';
import { Prom } from '../../validation/lib/prometheus.ts';
import { sharedTestBroker } from '../support/kafka-broker.ts';
import { freePortEnv } from '../support/free-ports.ts';
import { alertingChecks } from '../../tasks/phase0/04-metrics/alerting-checks.ts';
import { runChecks } from '../../validation/lib/define-check.ts';

// Own topic and group: the broker may be the run's shared one (tests/run.ts).
const TOPIC = `metrics-it-${process.pid}`;
const GROUP = `metrics-it-group-${process.pid}`;

/** A temp PLATFORM_DIR of this test's own (Prometheus data, pid files), the tools cache shared. */
async function scratchPaths(): Promise<Paths> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'metrics-it-'));
  return resolvePaths({ ...process.env, PLATFORM_DIR: dir, PLATFORM_CACHE: resolvePaths().cache });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(1_000);
  }
}

async function scalar(prom: Prom, expr: string): Promise<number | undefined> {
  const r = (await prom.query(expr)) as { result: { value: [number, string] }[] };
  return r.result[0] ? Number(r.result[0].value[1]) : undefined;
}

test('native Prometheus scrapes the real broker and the lag exporter; the 0-4 checks pass', async () => {
  const broker = await sharedTestBroker();
  const paths = await scratchPaths();
  try {
    // Every port free, not the defaults: another checkout's VictoriaLogs, collector or Jaeger on
    // 9428/8889/8888 would be scraped and pass where this test expects skips.
    const env: Record<string, string> = {
      ...(await freePortEnv()),
      KAFKA_PORT: String(broker.port),
      KAFKA_METRICS_PORT: String(broker.settings.metricsPort),
      // DEMO_PORT stays a free port nothing listens on: the demo-service target must show as a skip.
    };
    const prometheus = Number(env.PROMETHEUS_PORT);
    const demo = Number(env.DEMO_PORT);
    const started = await startMetrics(paths, env, broker.bootstrap, AbortSignal.timeout(120_000));
    const rec = await readPid(paths, 'prometheus');
    assert.ok(rec, 'prometheus pid file');
    console.log(
      `  measured: prometheus ready in ${started.prometheus?.readyMs} ms, RSS ${((await rssOfTree(rec.pid)) / 2 ** 20).toFixed(1)} MiB`,
    );

    // A consumer lag that is really there: 30 messages in, 10 committed.
    const admin = new Admin({ clientId: 'metrics-it', bootstrapBrokers: [broker.bootstrap] });
    const producer = new Producer({
      clientId: 'metrics-it',
      bootstrapBrokers: [broker.bootstrap],
      serializers: stringSerializers,
    });
    try {
      await admin.createTopics({ topics: [TOPIC], partitions: 1, replicas: 1 });
      await producer.send({
        messages: Array.from({ length: 30 }, (_, i) => ({
          topic: TOPIC,
          key: `k${i}`,
          value: `v${i}`,
          partition: 0,
        })),
      });
      await admin.alterConsumerGroupOffsets({
        groupId: GROUP,
        topics: [{ name: TOPIC, partitionOffsets: [{ partition: 0, offset: 10n }] }],
      });
    } finally {
      await producer.close();
      await admin.close();
    }

    const prom = new Prom(`http://127.0.0.1:${prometheus}`);
    await until('kafka and kafka-lag-exporter targets up', 90_000, async () => {
      const { activeTargets } = await prom.targets();
      const up = (job: string) => activeTargets.some((t) => t.labels.job === job && t.health === 'up');
      return up('kafka') && up('kafka-lag-exporter') && up('node') ? true : undefined;
    });
    const messagesIn = await until('broker MessagesInPerSec for the topic', 60_000, async () => {
      const v = await scalar(
        prom,
        `kafka_server_brokertopicmetrics_messagesinpersec_total{job="kafka",topic="${TOPIC}"}`,
      );
      return v === 30 ? v : undefined;
    });
    assert.is(messagesIn, 30);
    const lagValue = await until('consumer lag of the group', 60_000, async () =>
      scalar(
        prom,
        `kafka_consumergroup_lag{job="kafka-lag-exporter",consumergroup="${GROUP}",topic="${TOPIC}",partition="0"}`,
      ),
    );
    assert.is(lagValue, 20);

    const endpoints: Endpoints = {
      kafka: { url: broker.bootstrap },
      prometheus: { url: `http://127.0.0.1:${prometheus}` },
      alertmanager: { url: `http://127.0.0.1:${env.ALERTMANAGER_PORT}` },
      otlpGrpc: unavailable('not part of this test'),
      traceQuery: unavailable('not part of this test'),
      logsql: unavailable('not part of this test'),
      grafana: unavailable('Grafana is not provided by the native target'),
      console: unavailable('not part of this test'),
      loki: unavailable('not part of this test'),
      tempo: unavailable('not part of this test'),
      demo: { url: `http://127.0.0.1:${demo}` },
    };
    // The checks read the endpoints, paths and settings from a context: this test's (no cluster).
    const ctx = { target: { endpoints: () => endpoints, components: {} }, paths, env } as unknown as PlatformContext;
    const checks = [...(await metricsChecks(ctx)), ...(await runChecks(ctx, alertingChecks))];
    const by = new Map(checks.map((c) => [c.id, c]));
    for (const id of [
      '0-4.prometheus-ready',
      '0-4.retention',
      '0-4.target.prometheus',
      '0-4.target.kafka',
      '0-4.target.kafka-lag-exporter',
      '0-4.target.node',
      '0-4.target.alertmanager',
      '0-4.versions-match',
      '0-4.alert-delivered',
      '0-4.targets',
      '0-4.rules-loaded',
      '0-4.rules-evaluate',
      '0-4.data',
      '0-4.dashboard.example-app-kafka.queries',
      '0-4.dashboard.example-app-kafka.metrics',
      '0-4.dashboard.example-app-resources.metrics',
      '0-4.promtool-check',
      '0-4.promtool-test',
      '0-4.dashboards',
    ]) {
      const c = by.get(id);
      assert.ok(c, `check ${id} missing`);
      assert.is(c.status, 'pass', `${id}: ${c.reason ?? ''}`);
    }
    // The demo-service is not started here: checks over metrics only it exports are skips that
    // name the service (a partial row), never passes (4791fc5).
    for (const id of ['0-4.rules-metrics', '0-4.dashboard.example-app-overview.metrics']) {
      const c = by.get(id);
      assert.is(c?.status, 'skip', `${id}: ${c?.status} ${c?.reason ?? ''}`);
      assert.match(c?.reason ?? '', /demo-service is not up/, id);
    }
    assert.is(by.get('0-4.target.demo-service')?.status, 'skip');
    assert.match(by.get('0-4.target.demo-service')?.reason ?? '', /not running yet/);
    // The log and trace backends are scraped from the start but started by 0-5 and 0-6, which
    // this test does not run: skips that name their task, not 0-4 failures.
    for (const [job, task] of [
      ['victorialogs', '0-5'],
      ['otelcol', '0-5'],
      ['jaeger', '0-6'],
    ]) {
      assert.is(by.get(`0-4.target.${job}`)?.status, 'skip', job);
      assert.match(by.get(`0-4.target.${job}`)?.reason ?? '', new RegExp(`seed task ${task} starts it`));
    }
    assert.is(by.get('0-4.dashboard.example-app-service-metrics.metrics')?.status, 'skip');
    assert.is(by.get('0-4.grafana-health')?.status, 'skip');
  } finally {
    await stopMetrics(paths).catch((e: Error) => console.error(`stopMetrics: ${e.message}`));
    await broker.stop();
    await fsp.rm(paths.platform, { recursive: true, force: true });
  }
});

test.run();
