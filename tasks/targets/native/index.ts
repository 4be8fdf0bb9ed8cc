// The native target: host processes supervised by the orchestrator (see native/supervisor.ts).
// Apache Kafka (KRaft) on the JVM, Prometheus from Debian's package, an OTLP trace sink (a
// development sink, not Tempo), JSON logs under .platform/logs. No Loki, Tempo or Grafana.
import { pathToFileURL } from 'node:url';
import type { PlatformContext } from '../../context.ts';
import { unavailable, type Endpoints, type Target } from '../target.ts';
import { lazyComponent } from '../lazy-component.ts';
import { supervisedMemory } from './supervisor.ts';
import { tracesDir } from './trace-sink/paths.ts';
import { resolvePaths } from '../../paths.ts';

const TRACE_SINK = { for: 'Tempo', by: 'the development OTLP trace sink' };
const NO_DOCKER = 'not provided by the native target (needs Docker: use --target k3d or compose)';

export function nativeEndpoints(env: NodeJS.ProcessEnv = process.env): Endpoints {
  const kafkaPort = env.KAFKA_PORT ?? '19092';
  const promPort = env.PROMETHEUS_PORT ?? '9090';
  const otlpPort = env.OTLP_GRPC_PORT ?? '4317';
  const demoPort = env.DEMO_PORT ?? '8000';
  return {
    kafka: { url: `127.0.0.1:${kafkaPort}`, substitute: { for: 'Redpanda', by: 'Apache Kafka (KRaft, JVM)' } },
    prometheus: { url: `http://127.0.0.1:${promPort}` },
    otlpGrpc: { url: `http://127.0.0.1:${otlpPort}`, substitute: TRACE_SINK },
    // The development trace sink's span files (lookup by trace id), not a Tempo API.
    traceQuery: { url: pathToFileURL(tracesDir(resolvePaths(env))).href, substitute: TRACE_SINK },
    grafana: unavailable(`Grafana is ${NO_DOCKER}`),
    loki: unavailable(`Loki is ${NO_DOCKER}`),
    tempo: unavailable(`Tempo is ${NO_DOCKER}`),
    demo: { url: `http://127.0.0.1:${demoPort}` },
  };
}

export function nativeTarget(): Target<PlatformContext> {
  return {
    name: 'native',
    describe:
      'host processes: Apache Kafka (KRaft) on the JVM, Prometheus, an OTLP trace sink, JSON log files',
    endpoints: () => nativeEndpoints(),
    components: {
      // Each component's module (and the clients it uses) loads on its first call.
      'event-bus': lazyComponent(
        {
          describe: 'Apache Kafka (KRaft) on the JVM',
          methods: ['install', 'down', 'rows', 'facts', 'identity'],
        },
        async () => (await import('./kafka.ts')).kafkaComponent(),
      ),
      metrics: lazyComponent(
        {
          describe: 'Prometheus, node-exporter, Kafka lag exporter',
          methods: ['install', 'down', 'plan', 'rows', 'facts'],
        },
        async () =>
          (await import('./prometheus.ts')).prometheusComponent(
            () => `127.0.0.1:${process.env.KAFKA_PORT ?? '19092'}`,
          ),
      ),
      logs: lazyComponent({ describe: 'JSON-lines log files', methods: ['rows', 'checks'] }, async () => {
        const { nativeLogsComponent } = await import('./trace-sink/component.ts');
        const { nativeJsonLogsCheck } = await import('./log-files-check.ts');
        return { ...nativeLogsComponent(), checks: async (ctx) => [await nativeJsonLogsCheck(ctx.paths)] };
      }),
      traces: lazyComponent(
        { describe: 'development OTLP trace sink', methods: ['down', 'rows'] },
        async () => (await import('./trace-sink/component.ts')).traceSinkComponent(),
      ),
      demo: lazyComponent(
        {
          describe: 'examples/demo-service as a host process',
          methods: ['down', 'plan', 'rows', 'facts', 'identity'],
        },
        async () => {
          const { demoComponent, demoLogFile } = await import('./demo.ts');
          return {
            ...demoComponent(),
            facts: async (ctx) => ({ logFile: demoLogFile(ctx), runsAs: 'as a supervised process' }),
          };
        },
      ),
    },
    // No start bound: natively the `up` time is reported, not judged against the k3d cluster's.
    facts: async (ctx) => ({ processMemory: await supervisedMemory(ctx.paths) }),
    tools: [
      {
        name: 'java',
        min: '17',
        versionCmd: ['java', '-version'],
        install: 'apt-get install openjdk-17-jre-headless (runs Apache Kafka)',
      },
      {
        name: 'mvn',
        min: '3.6',
        versionCmd: ['mvn', '-v'],
        install: 'apt-get install maven (resolves the Kafka jars from Maven Central)',
      },
      {
        name: 'prometheus',
        min: '2.40',
        versionCmd: ['prometheus', '--version'],
        install: 'apt-get install prometheus',
      },
      {
        name: 'promtool',
        min: '2.40',
        versionCmd: ['promtool', '--version'],
        install: 'apt-get install prometheus (ships promtool)',
      },
      {
        name: 'prometheus-node-exporter',
        min: '1.5',
        versionCmd: ['prometheus-node-exporter', '--version'],
        install: 'apt-get install prometheus-node-exporter (host CPU, memory, disk for the alerts)',
      },
    ],
  };
}
