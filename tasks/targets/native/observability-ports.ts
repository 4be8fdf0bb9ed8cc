// The ports of the native observability backends (settings keys and defaults); a module of its own
// so the target can build its endpoints without loading the components.
import { UsageError } from '../../engine/task.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface ObservabilityPorts {
  /** Jaeger's OTLP receivers: where services export spans. */
  otlpGrpc: number;
  otlpHttp: number;
  /** Jaeger's query HTTP API (`/api/traces/<id>`) and its api_v3 gRPC. */
  jaegerQuery: number;
  jaegerGrpc: number;
  jaegerMetrics: number;
  /** VictoriaLogs: ingestion, LogsQL, UI and /metrics on one port. */
  victoriaLogs: number;
  /** The collector's OTLP/HTTP receiver (services may push logs there), health and metrics. */
  collectorOtlp: number;
  collectorHealth: number;
  collectorMetrics: number;
}

export const PORT_KEYS: Record<keyof ObservabilityPorts, [string, number]> = {
  otlpGrpc: ['OTLP_GRPC_PORT', 4317],
  otlpHttp: ['OTLP_HTTP_PORT', 4318],
  jaegerQuery: ['JAEGER_QUERY_PORT', 16686],
  jaegerGrpc: ['JAEGER_GRPC_PORT', 16685],
  jaegerMetrics: ['JAEGER_METRICS_PORT', 8888],
  victoriaLogs: ['VICTORIALOGS_PORT', 9428],
  collectorOtlp: ['COLLECTOR_OTLP_PORT', 4319],
  collectorHealth: ['COLLECTOR_HEALTH_PORT', 13133],
  collectorMetrics: ['COLLECTOR_METRICS_PORT', 8889],
};

export function observabilityPorts(env: Env): ObservabilityPorts {
  const out = {} as ObservabilityPorts;
  for (const [field, [key, def]] of Object.entries(PORT_KEYS) as [
    keyof ObservabilityPorts,
    [string, number],
  ][]) {
    const v = env[key];
    const n = v === undefined || v === '' ? def : Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new UsageError(`${key} must be a TCP port 1-65535; fix it in .env`);
    out[field] = n;
  }
  return out;
}
