// Kafka consumer-lag exporter for the native target. compose and k3d run danielqsj/kafka_exporter
// as a container; its Go module is not served by the Go module proxy reachable here, so the
// native target computes the same metrics itself from the Kafka admin API
// (@platformatic/kafka) and exports them with prom-client under kafka_exporter's names, so the
// rules, alerts and dashboards are one source for every target:
//   kafka_consumergroup_lag{consumergroup,topic,partition}
//   kafka_consumergroup_current_offset{consumergroup,topic,partition}
//   kafka_topic_partition_current_offset{topic,partition}
//   kafka_brokers
// Offsets are read on each scrape (no background polling), as kafka_exporter does.
//
// Run: node tasks/targets/native/lag-exporter/exporter.ts   (Node >= 22.18 strips the types)
// Env: KAFKA_BOOTSTRAP (host:port), LAG_EXPORTER_PORT, LAG_EXPORTER_HOST (default 127.0.0.1).
import http from 'node:http';
import { Admin } from '@platformatic/kafka';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { computeLag, type CommittedOffset } from './lag.ts';

export interface LagExporterOptions {
  bootstrap: string;
  port: number;
  host?: string;
}

async function snapshot(admin: Admin) {
  const meta = await admin.metadata({ topics: await admin.listTopics({ includeInternals: false }) });
  const endReq = [...meta.topics].map(([name, t]) => ({
    name,
    partitions: t.partitions.map((_, i) => ({ partitionIndex: i, timestamp: -1n })), // -1: latest
  }));
  const ends = new Map<string, bigint>();
  if (endReq.length > 0) {
    for (const t of await admin.listOffsets({ topics: endReq })) {
      for (const p of t.partitions) ends.set(`${t.name}/${p.partitionIndex}`, p.offset);
    }
  }
  const groups = [...(await admin.listGroups()).values()]
    .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
    .map((g) => g.id);
  const committed: CommittedOffset[] = [];
  if (groups.length > 0) {
    for (const g of await admin.listConsumerGroupOffsets({ groups })) {
      for (const t of g.topics) {
        for (const p of t.partitions) {
          committed.push({
            group: g.groupId,
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
          });
        }
      }
    }
  }
  return { brokers: meta.brokers.size, ends, lags: computeLag(committed, ends) };
}

export function createRegistry(admin: Admin): { registry: Registry; refresh: () => Promise<void> } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const brokers = gauge('kafka_brokers', 'Number of brokers in the cluster');
  const end = gauge('kafka_topic_partition_current_offset', 'Log-end offset of a topic partition', [
    'topic',
    'partition',
  ]);
  const current = gauge(
    'kafka_consumergroup_current_offset',
    'Committed offset of a consumer group on a topic partition',
    ['consumergroup', 'topic', 'partition'],
  );
  const up = gauge(
    'kafka_lag_exporter_up',
    '1 when the last scrape read offsets from the broker, 0 when it failed',
  );
  const lag = gauge(
    'kafka_consumergroup_lag',
    'Log-end offset minus committed offset of a consumer group on a topic partition',
    ['consumergroup', 'topic', 'partition'],
  );
  // One snapshot fills every gauge before the registry serializes any of them: prom-client reads
  // the gauges concurrently, so filling them from one gauge's collect() would publish the previous
  // scrape's brokers and offsets (and nothing on the first scrape).
  const refresh = async () => {
    for (const g of [brokers, end, current, lag]) g.reset();
    try {
      const s = await snapshot(admin);
      brokers.set(s.brokers);
      for (const [key, off] of s.ends) {
        const [topic = '', partition = ''] = key.split('/');
        end.set({ topic, partition }, Number(off));
      }
      for (const l of s.lags) {
        const labels = { consumergroup: l.group, topic: l.topic, partition: String(l.partition) };
        current.set(labels, Number(l.committed));
        lag.set(labels, Number(l.lag));
      }
      up.set(1);
    } catch (e) {
      up.set(0);
      process.stderr.write(
        `${JSON.stringify({ timestamp: new Date().toISOString(), level: 'ERROR', service: 'kafka-lag-exporter', message: 'offset read failed', err: (e as Error).message })}\n`,
      );
    }
  };
  return { registry, refresh };
}

export async function serve(
  opts: LagExporterOptions,
): Promise<{ server: http.Server; close: () => Promise<void> }> {
  const admin = new Admin({
    clientId: 'kafka-lag-exporter',
    bootstrapBrokers: [opts.bootstrap],
    retries: 1,
    timeout: 5_000,
  });
  const { registry, refresh } = createRegistry(admin);
  const server = http.createServer((req, res) => {
    if (req.url === '/metrics') {
      refresh()
        .then(() => registry.metrics())
        .then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body))
        .catch((e: Error) => res.writeHead(500).end(e.message));
    } else if (req.url === '/healthz') {
      res.writeHead(200).end('ok\n');
    } else {
      res.writeHead(404).end('see /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', resolve);
  });
  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await admin.close();
  };
  return { server, close };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bootstrap = process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:19092';
  const port = Number(process.env.LAG_EXPORTER_PORT ?? 9308);
  const { close } = await serve({ bootstrap, port, host: process.env.LAG_EXPORTER_HOST });
  process.stdout.write(
    `${JSON.stringify({ level: 'info', msg: 'kafka lag exporter listening', port, bootstrap })}\n`,
  );
  for (const sig of ['SIGTERM', 'SIGINT'] as const)
    process.once(sig, () => void close().then(() => process.exit(0)));
}
