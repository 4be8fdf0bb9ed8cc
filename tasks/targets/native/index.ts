// The native target: host processes supervised by the orchestrator (see native/supervisor.ts).
// Apache Kafka (KRaft) on the JVM, Prometheus and Alertmanager at the Docker paths' releases
// (built from the Go module proxy, like the rest), and for logs and traces
// real backends built from the Go module proxy (observability.ts): VictoriaLogs stores the logs
// an OpenTelemetry Collector ships from every process's JSON log file, Jaeger v2 receives and
// stores the traces. Loki, Tempo and Grafana are AGPL-licensed and not built on these machines:
// VictoriaLogs and Jaeger stand in for Loki and Tempo; the platform console (tasks/console, on
// GRAFANA_PORT) serves the dashboards in Grafana's place.
import path from 'node:path';
import type { PlatformContext } from '../../context.ts';
import type { Settings } from '../../config/settings.ts';
import { unavailable, type Endpoints, type Target } from '../target.ts';
import { lazyComponent } from '../lazy-component.ts';
import { supervisedMemory, supervisedPids } from './supervisor.ts';
import { withProcessLogs } from './process-logs.ts';
import { observabilityPorts } from './observability-ports.ts';
import { resolvePaths } from '../../paths.ts';

type Env = Readonly<Record<string, string | undefined>>;

const JAEGER = { for: 'Tempo', by: 'Jaeger v2 (Badger store)' };
const VICTORIALOGS = { for: 'Loki', by: 'VictoriaLogs' };
const CONSOLE = { for: 'Grafana', by: 'the platform console (tasks/console)' };

const AGPL = 'AGPL-licensed, so its Go modules are not built on these machines';

export function nativeEndpoints(env: Env): Endpoints {
  const kafkaPort = env.KAFKA_PORT ?? '19092';
  const promPort = env.PROMETHEUS_PORT ?? '9090';
  const amPort = env.ALERTMANAGER_PORT ?? '9093';
  const demoPort = env.DEMO_PORT ?? '8000';
  const p = observabilityPorts(env);
  const jaeger = `http://127.0.0.1:${p.jaegerQuery}`;
  const consoleUrl = `http://127.0.0.1:${env.GRAFANA_PORT || '3000'}`;
  const vl = `http://127.0.0.1:${p.victoriaLogs}`;
  return {
    kafka: {
      url: `127.0.0.1:${kafkaPort}`,
      substitute: { for: 'Redpanda', by: 'Apache Kafka (KRaft, JVM)' },
    },
    prometheus: { url: `http://127.0.0.1:${promPort}` },
    alertmanager: { url: `http://127.0.0.1:${amPort}` },
    otlpGrpc: { url: `http://127.0.0.1:${p.otlpGrpc}`, substitute: JAEGER },
    // Jaeger's query API: /api/traces/<id> like Tempo's, in Jaeger's own JSON.
    traceQuery: { url: jaeger, substitute: JAEGER },
    logsql: { url: vl, substitute: VICTORIALOGS },
    grafana: unavailable(
      `Grafana is ${AGPL}: the native target has none; the platform console at ${consoleUrl} shows the same dashboards, the traces and the logs`,
      CONSOLE.by,
    ),
    console: { url: consoleUrl, substitute: CONSOLE },
    loki: unavailable(
      `Loki is ${AGPL}; natively VictoriaLogs stores the logs (checks 0-5.vl-*)`,
      VICTORIALOGS.by,
    ),
    tempo: unavailable(
      `Tempo is ${AGPL}; natively Jaeger stores the traces (checks 0-6.jaeger-ready, 0-6.demo-request-trace, …)`,
      JAEGER.by,
    ),
    demo: { url: `http://127.0.0.1:${demoPort}` },
  };
}

// Components read the settings the session loaded (ctx.env), the same ones the target was built from.
const envOf = (ctx: PlatformContext): Env => ctx.env;

/** `doctor` runs the binary (it must start) and shows the version its build stamp records. */
const cachedTool = (name: string, binary: string, versionArgs: string, what: string) => ({
  name,
  versionCmd: [
    'sh',
    '-c',
    `"$0" ${versionArgs} >/dev/null 2>&1 && cat "$0.version"`,
    path.join(resolvePaths().cache, 'bin', binary),
  ] as [string, ...string[]],
  install: `npx tsx tasks.ts dev-setup (builds ${what} from the Go module proxy into .tools/cache/bin)`,
});

/** VictoriaLogs and its collector; verify also checks every process's log reached the store. */
const logsComponent = () =>
  lazyComponent(
    {
      describe: 'VictoriaLogs fed by an OpenTelemetry Collector',
      processes: ['victorialogs', 'otelcol'],
      methods: ['install', 'down', 'plan', 'rows', 'checks'],
    },
    async () => {
      const { nativeLogsComponent } = await import('./observability.ts');
      const { everyProcessLogCheck } = await import('./log-files-check.ts');
      return {
        ...nativeLogsComponent(envOf),
        checks: async (ctx) => {
          const ep = nativeEndpoints(envOf(ctx)).logsql;
          return 'url' in ep ? [await everyProcessLogCheck(ctx.paths, ep.url)] : [];
        },
      };
    },
  );

/** Jaeger v2; verify checks its query API and retention. */
const tracesComponent = () =>
  lazyComponent(
    {
      describe: 'Jaeger v2 (OTLP in, trace store, query API)',
      processes: ['jaeger'],
      methods: ['install', 'down', 'plan', 'rows', 'checks'],
    },
    async () => {
      const { nativeTracesComponent, jaegerConfig } = await import('./observability.ts');
      return {
        ...nativeTracesComponent(envOf),
        checks: async (ctx) => {
          // The checks (and the YAML reader they use) load for verify only.
          const { jaegerReadyCheck, jaegerRetentionCheck } = await import('./jaeger-check.ts');
          const ep = nativeEndpoints(envOf(ctx)).traceQuery;
          return [
            ...('url' in ep ? [await jaegerReadyCheck(ep)] : []),
            await jaegerRetentionCheck(ctx.paths, jaegerConfig(ctx.paths)),
          ];
        },
      };
    },
  );

/** The native components: each one's module (and the clients it uses) loads on its first call. */
// Every component with status rows gets `logs` from them (native/process-logs.ts).
const nativeComponents = () =>
  withProcessLogs({
    'event-bus': lazyComponent(
      {
        describe: 'Apache Kafka (KRaft) on the JVM',
        processes: ['kafka'],
        methods: ['install', 'down', 'rows', 'facts', 'identity'],
      },
      async () => (await import('./kafka.ts')).kafkaComponent(),
    ),
    metrics: lazyComponent(
      {
        describe:
          'Prometheus, Alertmanager, node-exporter, Kafka lag exporter, the platform console (for Grafana)',
        processes: ['prometheus', 'alertmanager', 'node-exporter', 'kafka-lag-exporter', 'console'],
        restartsAlone: ['console'],
        methods: ['install', 'down', 'plan', 'rows', 'facts', 'restartProcess'],
      },
      async () => {
        const [{ prometheusComponent }, { withConsole }] = await Promise.all([
          import('./prometheus.ts'),
          import('./console.ts'),
        ]);
        return withConsole(
          prometheusComponent((ctx) => {
            const k = nativeEndpoints(ctx.env).kafka;
            return 'url' in k ? k.url : '127.0.0.1:19092';
          }),
        );
      },
    ),
    logs: logsComponent(),
    traces: tracesComponent(),
    demo: lazyComponent(
      {
        describe: 'examples/demo-service as a host process',
        processes: ['demo-service'],
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
  });

/**
 * What `doctor` checks for the native target: what `up` needs. Not promtool: only the rule checks
 * and tests run it (dev-setup builds it, the checks on first use).
 */
const NATIVE_TOOLS: Target<PlatformContext>['tools'] = [
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
  cachedTool('prometheus', 'prometheus', '--version', 'Prometheus'),
  cachedTool('alertmanager', 'alertmanager', '--version', 'Alertmanager'),
  {
    name: 'prometheus-node-exporter',
    min: '1.5',
    versionCmd: ['prometheus-node-exporter', '--version'],
    install: 'apt-get install prometheus-node-exporter (host CPU, memory, disk for the alerts)',
  },
  cachedTool('jaeger', 'jaeger', 'version', 'Jaeger'),
  cachedTool('victoria-logs', 'victoria-logs', '-version', 'VictoriaLogs'),
  cachedTool('otelcol', 'otelcol-platform', '--version', 'the log collector'),
];

/** The native target, from the typed settings (tasks/config/settings.ts): the same values its components get as ctx.env. */
export function nativeTarget(settings: Settings): Target<PlatformContext> {
  return {
    name: 'native',
    describe:
      'host processes: Apache Kafka (KRaft) on the JVM, Prometheus and Alertmanager, Jaeger v2 (traces), VictoriaLogs (logs) fed by an OpenTelemetry Collector',
    endpoints: () => nativeEndpoints(settings),
    components: nativeComponents(),
    // No start bound: natively the `up` time is reported, not judged against the k3d cluster's.
    facts: async (ctx) => ({ processMemory: await supervisedMemory(ctx.paths) }),
    pids: supervisedPids,
    tools: NATIVE_TOOLS,
  };
}
