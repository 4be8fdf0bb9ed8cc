// Typed configuration from the environment. Every key has a rule and a default that works on a
// developer machine; a bad value stops the service at start with one line naming the key and the
// rule (never the value: some keys hold secrets).
import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS, type KafkaClient } from './kafka/client.ts';

export interface Config {
  /** `service` field of every log line, `service.name` of every span, Kafka client id. */
  serviceName: string;
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** The Kafka client library behind the EventBus. */
  kafkaClient: KafkaClient;
  /** Kafka bootstrap servers, `host:port`. */
  kafkaBrokers: string[];
  /** Consumer group of this service. */
  kafkaGroupId: string;
  /** Topics the service consumes (empty: no consumer runs). */
  kafkaConsumeTopics: string[];
  /** Bound on one Kafka request (connect, produce, metadata), in ms: a dead broker fails fast. */
  kafkaTimeoutMs: number;
  /** OTLP gRPC endpoint, `http://host:4317`; empty disables export (spans still propagate). */
  otlpEndpoint: string | undefined;
  /**
   * Which traces are recorded (OpenTelemetry's OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG):
   * default every trace (`parentbased_always_on`), so every request's trace can be found. Under
   * load a ratio (`parentbased_traceidratio`, ARG 0.1) records a share of the traces that start
   * here; a request whose caller sent a sampled `traceparent` is always recorded.
   */
  traceSampler: { name: TraceSamplerName; ratio: number };
  /** SIGTERM: how long in-flight work may take before the process exits anyway, in ms. */
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

function str(env: Env, key: string, fallback: string): string {
  const v = env[key];
  return v === undefined || v.trim() === '' ? fallback : v.trim();
}

function int(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`config: ${key} must be an integer from ${min} to ${max}`);
  }
  return n;
}

function list(env: Env, key: string, fallback: string[]): string[] {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export const TRACE_SAMPLERS = [
  'parentbased_always_on',
  'always_on',
  'parentbased_traceidratio',
  'traceidratio',
] as const;
export type TraceSamplerName = (typeof TRACE_SAMPLERS)[number];

function traceSampler(env: Env): Config['traceSampler'] {
  const name = str(env, 'OTEL_TRACES_SAMPLER', 'parentbased_always_on').toLowerCase();
  if (!(TRACE_SAMPLERS as readonly string[]).includes(name))
    throw new ConfigError(`config: OTEL_TRACES_SAMPLER must be one of ${TRACE_SAMPLERS.join(', ')}`);
  const raw = str(env, 'OTEL_TRACES_SAMPLER_ARG', '1');
  const ratio = Number(raw);
  if (raw === '' || !Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    throw new ConfigError('config: OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1');
  return { name: name as TraceSamplerName, ratio: name.endsWith('traceidratio') ? ratio : 1 };
}

export function loadConfig(env: Env = process.env): Config {
  const serviceName = str(env, 'SERVICE_NAME', 'demo-service');
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(serviceName)) {
    throw new ConfigError(
      'config: SERVICE_NAME must be lowercase letters, digits and dashes, starting with a letter',
    );
  }
  const logLevel = str(env, 'LOG_LEVEL', 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`config: LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const kafkaClient = str(env, 'KAFKA_CLIENT', DEFAULT_KAFKA_CLIENT).toLowerCase();
  if (!(KAFKA_CLIENTS as readonly string[]).includes(kafkaClient)) {
    throw new ConfigError(`config: KAFKA_CLIENT must be one of ${KAFKA_CLIENTS.join(', ')}`);
  }
  const kafkaBrokers = list(env, 'KAFKA_BROKERS', ['127.0.0.1:19092']);
  for (const b of kafkaBrokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(b))
      throw new ConfigError('config: KAFKA_BROKERS must be a comma-separated list of host:port');
  }
  const otlp = str(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', '');
  if (otlp && !/^https?:\/\/[^\s/]+/.test(otlp)) {
    throw new ConfigError(
      'config: OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL (or empty)',
    );
  }
  return {
    serviceName,
    host: str(env, 'HOST', '0.0.0.0'),
    port: int(env, 'PORT', 8000, 0, 65535),
    logLevel: logLevel as Config['logLevel'],
    kafkaClient: kafkaClient as KafkaClient,
    kafkaBrokers,
    kafkaGroupId: str(env, 'KAFKA_GROUP_ID', serviceName),
    kafkaConsumeTopics: list(env, 'KAFKA_CONSUME_TOPICS', []),
    kafkaTimeoutMs: int(env, 'KAFKA_TIMEOUT_MS', 5_000, 100, 120_000),
    otlpEndpoint: otlp || undefined,
    traceSampler: traceSampler(env),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 100, 600_000),
  };
}
