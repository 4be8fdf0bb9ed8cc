// Typed settings: one ajv schema over `.env` (parsed with dotenv) plus the process environment.
// Errors name the key, the rule and where the value came from (`.env:7` or `environment`),
// never the value. Every value of a key marked `secret` is registered for redaction the moment
// it is read, so no printer (logs, errors, --json, the report) can leak it.
import fs from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { compileCached } from './compiled-schema.ts';
import { resolvePaths } from '../paths.ts';
import { parse } from 'dotenv';
import { UsageError } from '../engine/task.ts';
import { registerSecret } from './redact.ts';

/** Placeholder in `.env.example` that dev-setup replaces with a random value. */
export const GENERATED = '<generated>';

const PORT = '^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$';

interface SettingSchema {
  type: 'string';
  /** Human-readable rule, used in error lines (`must be a TCP port 1-65535`). */
  rule: string;
  /** Redacted everywhere; exported by secrets-to-k8s. */
  secret?: boolean;
  /** dev-setup fills `<generated>` placeholders of this key with random bytes. */
  generate?: boolean;
  pattern?: string;
  enum?: string[];
  minLength?: number;
  default?: string;
  description: string;
}

const port = (description: string, def: string): SettingSchema => ({
  type: 'string',
  pattern: PORT,
  rule: 'must be a TCP port 1-65535',
  default: def,
  description,
});

/** The schema. `.env.example` documents every key; a test keeps the two in step. */
export const SETTINGS: Record<string, SettingSchema> = {
  KAFKA_PORT: port('Kafka API listener of the native broker', '19092'),
  PROMETHEUS_PORT: port('Prometheus HTTP port', '9090'),
  OTLP_GRPC_PORT: port('OTLP gRPC receiver for traces', '4317'),
  DEMO_PORT: port('demo service HTTP port (seed task 0-13)', '8000'),
  KAFKA_CONTROLLER_PORT: port('KRaft controller listener of the native broker', '19093'),
  KAFKA_METRICS_PORT: port('Prometheus JMX exporter agent on the native broker', '7071'),
  LAG_EXPORTER_PORT: port('consumer-lag exporter (kafka_consumergroup_lag)', '9308'),
  NODE_EXPORTER_PORT: port('prometheus-node-exporter (disk, memory, CPU)', '9100'),
  ALERTMANAGER_PORT: port('Alertmanager HTTP port (its API; native, and the k3d port-forward)', '9093'),
  OTLP_HTTP_PORT: port('OTLP/HTTP receiver for traces (Jaeger, native)', '4318'),
  JAEGER_QUERY_PORT: port('Jaeger query API and UI page (native trace store)', '16686'),
  JAEGER_GRPC_PORT: port('Jaeger api_v3 gRPC query service (native)', '16685'),
  JAEGER_METRICS_PORT: port("Jaeger's own Prometheus metrics (native)", '8888'),
  VICTORIALOGS_PORT: port('VictoriaLogs: log ingestion, LogsQL and UI (native log store)', '9428'),
  COLLECTOR_OTLP_PORT: port("log collector's OTLP/HTTP receiver (native)", '4319'),
  COLLECTOR_HEALTH_PORT: port("log collector's health check (native)", '13133'),
  COLLECTOR_METRICS_PORT: port("log collector's own Prometheus metrics (native)", '8889'),
  KAFKA_HEAP_MB: {
    type: 'string',
    pattern: '^[1-9][0-9]{2,4}$',
    rule: 'must be a heap size in MiB (128-16384)',
    description: 'JVM max heap of the native broker in MiB (default 512)',
  },
  GRAFANA_PORT: port('where the dashboards are: Grafana host port (k3d, compose), the platform console (native)', '3000'),
  LOKI_PORT: port('Loki host port (k3d and compose targets)', '3100'),
  TEMPO_PORT: port('Tempo host port (k3d and compose targets)', '3200'),
  GRAFANA_ADMIN_USER: {
    type: 'string',
    pattern: '^[A-Za-z0-9._-]+$',
    rule: 'must be a user name (letters, digits, . _ -)',
    description: 'Grafana admin user (k3d and compose targets; default admin)',
  },
  LOG_LEVEL: {
    type: 'string',
    enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    rule: 'must be one of fatal, error, warn, info, debug, trace, silent',
    default: 'info',
    description: 'pino log level of the services',
  },
  GRAFANA_ADMIN_PASSWORD: {
    type: 'string',
    secret: true,
    generate: true,
    minLength: 12,
    pattern: '^[^\\s<>]+$',
    rule: 'must be at least 12 characters without spaces or <placeholders> (dev-setup generates one)',
    description: 'Grafana admin password (k3d and compose targets)',
  },
  ALPACA_API_KEY: {
    type: 'string',
    secret: true,
    pattern: '^[A-Za-z0-9]{8,}$',
    rule: 'must be an Alpaca key id (8 or more letters and digits)',
    description: 'trading API key id (Phase 1)',
  },
  ALPACA_SECRET_KEY: {
    type: 'string',
    secret: true,
    pattern: '^[A-Za-z0-9/+=_-]{16,}$',
    rule: 'must be an Alpaca secret (16 or more characters, no spaces)',
    description: 'trading API secret (Phase 1)',
  },
  DATABASE_URL: {
    type: 'string',
    secret: true,
    generate: true,
    pattern: '^postgres(ql)?://[^\\s<>]+$',
    rule: 'must be a postgresql:// URL without <placeholders>',
    description: 'PostgreSQL connection URL (carries a password)',
  },
  REDIS_URL: {
    type: 'string',
    secret: true,
    pattern: '^rediss?://[^\\s<>]+$',
    rule: 'must be a redis:// or rediss:// URL',
    description: 'Redis connection URL (may carry a password)',
  },
  E2E_BENCH: {
    type: 'string',
    enum: ['0', '1'],
    rule: 'must be 0 or 1',
    description: '0-13 verify runs the Kafka bench (REQ-0.2) and the demo load check unless 0',
  },
};

/** The loaded settings: every key of SETTINGS that has a value (defaults filled in). */
export type Settings = Readonly<Record<string, string>>;

export const SECRET_KEYS: readonly string[] = Object.keys(SETTINGS).filter((k) => SETTINGS[k]?.secret);

// Compiled once per schema change, not per run (compiled-schema.ts). Annotation keywords carry
// our metadata through the schema without validating anything.
let validator: ValidateFunction | undefined;
const validate = (values: unknown) =>
  (validator ??= compileCached(
    { type: 'object', properties: SETTINGS, additionalProperties: false },
    {
      options: { allErrors: true, useDefaults: true, strict: true },
      keywords: ['rule', 'secret', 'generate'],
      cacheDir: resolvePaths().cache,
    },
  ))(values);

export interface LoadOptions {
  /** Directory holding `.env` (the repository root). */
  root: string;
  /** The process environment; its values win over `.env` for keys the schema knows. */
  env?: NodeJS.ProcessEnv;
  /** Keys this caller cannot do without (e.g. secrets-to-k8s needs the secrets). */
  require?: readonly string[];
  /** `.env` file name, relative to root. */
  file?: string;
}

interface Origin {
  where: string;
}

/** Loads and validates settings; throws UsageError with one line per problem (at most three shown). */
export function loadSettings(opts: LoadOptions): Readonly<Record<string, string>> {
  const env = opts.env ?? process.env;
  const file = path.join(opts.root, opts.file ?? '.env');
  const rel = path.relative(process.cwd(), file) || file;
  const values: Record<string, string> = {};
  const origin: Record<string, Origin> = {};
  const problems: string[] = [];

  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) return;
      // dotenv silently drops lines it cannot read; we name them instead.
      const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(t);
      if (!m) {
        problems.push(`${rel}:${i + 1}: malformed line (expected KEY=value)`);
        return;
      }
      origin[m[1]!] = { where: `${rel}:${i + 1}` };
    });
    for (const [k, v] of Object.entries(parse(text))) {
      if (SETTINGS[k]?.secret) registerSecret(v);
      if (v !== '') values[k] = v; // an empty value means "not set"
    }
  }
  for (const k of Object.keys(SETTINGS)) {
    const v = env[k];
    if (v === undefined || v === '') continue;
    if (SETTINGS[k]?.secret) registerSecret(v);
    values[k] = v;
    origin[k] = { where: 'environment' };
  }
  for (const k of SECRET_KEYS) registerUrlPassword(values[k]);

  for (const [k, v] of Object.entries(values)) {
    if (v.includes(GENERATED)) {
      problems.push(
        `${where(origin, k, rel)}: ${k} still holds the ${GENERATED} placeholder; run \`make dev-setup\` or set a value`,
      );
      delete values[k];
    }
  }
  if (!validate(values)) {
    for (const e of validator?.errors ?? []) problems.push(describe(e, origin, rel));
  }
  // Two services on one port would fail halfway through `up` (the second cannot bind): say it now.
  const byPort = new Map<string, string[]>();
  for (const k of Object.keys(SETTINGS)) {
    if (!k.endsWith('_PORT') || values[k] === undefined) continue;
    byPort.set(values[k], [...(byPort.get(values[k]) ?? []), k]);
  }
  for (const [port, keys] of byPort) {
    if (keys.length < 2) continue;
    const at = keys.map((k) => `${k} (${origin[k]?.where ?? 'default'})`).join(' and ');
    problems.push(`${at} are both port ${port}; give each service its own port in ${rel}`);
  }
  for (const k of opts.require ?? []) {
    if (values[k] === undefined) {
      problems.push(`${rel}: ${k} is required here but not set; add it to ${rel} (see .env.example)`);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 3).join('; ');
    throw new UsageError(
      `settings: ${shown}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`,
    );
  }
  return Object.freeze({ ...values });
}

function where(origin: Record<string, Origin>, key: string, rel: string): string {
  return origin[key]?.where ?? rel;
}

/** One line per ajv error: key, rule, place. ajv's own message could quote the value; it is not used. */
function describe(e: ErrorObject, origin: Record<string, Origin>, rel: string): string {
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    return `${where(origin, key, rel)}: unknown key ${key}; remove it, or add it to tasks/config/settings.ts and .env.example`;
  }
  const key = e.instancePath.replace(/^\//, '');
  const rule = SETTINGS[key]?.rule ?? e.keyword;
  return `${where(origin, key, rel)}: ${key} ${rule}`;
}

/** A password inside a connection URL is a secret of its own (it shows up in driver errors alone). */
function registerUrlPassword(value: string | undefined): void {
  if (!value || !value.includes('://')) return;
  try {
    const u = new URL(value);
    if (u.password) {
      registerSecret(u.password);
      registerSecret(decodeURIComponent(u.password));
    }
  } catch {
    // not a URL: the schema reports it
  }
}
