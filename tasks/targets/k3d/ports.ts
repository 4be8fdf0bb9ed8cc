// The k3d target's host ports, the endpoints the checks see and the port-forwards that provide them.
import type { PortForward } from '../docker/port-forward.ts';
import type { ComponentId, Endpoints } from '../target.ts';
import { unavailable } from '../target.ts';

export type Env = Readonly<Record<string, string | undefined>>;
const port = (env: Env, key: string, dflt: number) => Number(env[key] ?? dflt);

/** Host ports: the seed's defaults, overridable like on the native target. Kafka is fixed by the cluster config. */
export function k3dPorts(env: Env) {
  return {
    kafka: 19092,
    prometheus: port(env, 'PROMETHEUS_PORT', 9090),
    alertmanager: port(env, 'ALERTMANAGER_PORT', 9093),
    grafana: port(env, 'GRAFANA_PORT', 3000),
    loki: port(env, 'LOKI_PORT', 3100),
    tempo: port(env, 'TEMPO_PORT', 3200),
    otlpGrpc: port(env, 'OTLP_GRPC_PORT', 4317),
    demo: port(env, 'DEMO_PORT', 8000),
  };
}

export function k3dEndpoints(env: Env): Endpoints {
  const p = k3dPorts(env);
  const http = (n: number) => ({ url: `http://127.0.0.1:${n}` });
  return {
    kafka: { url: `127.0.0.1:${p.kafka}` },
    prometheus: http(p.prometheus),
    alertmanager: http(p.alertmanager),
    otlpGrpc: http(p.otlpGrpc),
    traceQuery: http(p.tempo),
    logsql: unavailable(
      "LogsQL (VictoriaLogs) is the native target's log store; this target stores logs in Loki",
    ),
    grafana: http(p.grafana),
    console: unavailable('the console runs on the native target; here Grafana serves the dashboards'),
    loki: http(p.loki),
    tempo: http(p.tempo),
    demo: http(p.demo),
  };
}

/** Port-forwards per component, from the host ports in `env`. */
export function k3dPortForwards(env: Env) {
  const p = k3dPorts(env);
  const pf = (name: string, namespace: string, resource: string, ports: [number, number][]): PortForward => ({
    name: `pf-${name}`,
    namespace,
    resource,
    ports,
  });
  return {
    metrics: [
      pf('prometheus', 'infra', 'svc/kube-prometheus-stack-prometheus', [[p.prometheus, 9090]]),
      pf('alertmanager', 'infra', 'svc/kube-prometheus-stack-alertmanager', [[p.alertmanager, 9093]]),
      pf('grafana', 'infra', 'svc/kube-prometheus-stack-grafana', [[p.grafana, 80]]),
    ],
    logs: [pf('loki', 'infra', 'svc/loki', [[p.loki, 3100]])],
    traces: [
      pf('tempo', 'infra', 'svc/tempo', [
        [p.tempo, 3200],
        [p.otlpGrpc, 4317],
      ]),
    ],
    demo: [pf('demo', 'services', 'svc/demo-service', [[p.demo, 8000]])],
  } satisfies Partial<Record<ComponentId, PortForward[]>>;
}
