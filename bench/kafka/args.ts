// Bench options: one spec shared by `bench/kafka.ts` and `tasks.ts bench kafka`, and the
// validation that turns bad input into a one-line UsageError (exit 2) before any socket opens.
import { UsageError } from '../../tasks/engine/task.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import path from 'node:path';

export type Mode = 'throughput' | 'latency';
export type ClientName = 'kafkajs' | 'platformatic' | 'perf-test' | 'e2e-latency';
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
export type Acks = -1 | 0 | 1;

export const CLIENT_NAMES: readonly ClientName[] = ['kafkajs', 'perf-test', 'platformatic', 'e2e-latency'];
const THROUGHPUT_CLIENTS: readonly ClientName[] = ['kafkajs', 'perf-test', 'platformatic'];
const JS_CLIENTS: readonly ClientName[] = ['kafkajs', 'platformatic'];
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export interface BenchOptions {
  mode: Mode;
  clients: ClientName[];
  /** Kafka bootstrap `host:port`. */
  bootstrap: string;
  /** Existing topic to use; default: a fresh topic per client, deleted afterwards. */
  topic?: string;
  /** Create `topic` when it does not exist (otherwise a missing topic is a usage error). */
  createTopic: boolean;
  keepTopic: boolean;
  /** Throughput mode: measured messages (after warm-up). */
  messages: number;
  /** Message size in bytes. */
  size: number;
  partitions: number;
  acks: Acks;
  /** Messages per produce request (JS clients batch by hand; perf-test gets batch.size = batch × size). */
  batch: number;
  /** Produce requests in flight at once. */
  inFlight: number;
  /** perf-test linger.ms (the JS clients have no linger: they send whatever is due). */
  lingerMs: number;
  compression: Compression;
  /** Latency mode: messages per second. */
  rate: number;
  /** Latency mode: measured seconds (after warm-up). */
  durationS: number;
  /** Messages excluded from the results at the start (JIT, connections, metadata). */
  warmup: number;
  /** Latency mode: also consume and measure produce→consume latency. */
  e2e: boolean;
  /** No acknowledgement for this long while sends are outstanding ends the run with an error. */
  stallTimeoutMs: number;
  /** Where JSON, .hgrm and .svg results go. */
  outDir: string;
  /** Progress line every this many ms (0 = none). */
  progressMs: number;
}

/** One flag of the bench, in the shape tasks.ts's parser takes (bench owns its type, so it imports nothing from the CLI). */
export interface BenchOption {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  default?: string | boolean;
  multiple?: boolean;
}

/** The flags, in the shape tasks/cli/command.ts and node:util parseArgs both take. */
export const BENCH_OPTIONS = {
  mode: {
    type: 'string',
    description: 'throughput (closed loop) | latency (open loop at --rate)',
    default: 'throughput',
  },
  clients: {
    type: 'string',
    description: `comma list of ${CLIENT_NAMES.join(', ')} (default: kafkajs, perf-test, platformatic in throughput mode; the JS clients in latency mode, where e2e-latency adds Kafka's EndToEndLatency)`,
  },
  bootstrap: {
    type: 'string',
    description: 'Kafka bootstrap host:port (default: the native target, KAFKA_PORT)',
  },
  topic: {
    type: 'string',
    description: 'use this existing topic (default: a fresh topic per client, deleted afterwards)',
  },
  'create-topic': { type: 'boolean', description: 'create --topic when it does not exist', default: false },
  'keep-topic': { type: 'boolean', description: 'do not delete the fresh topics afterwards', default: false },
  messages: {
    type: 'string',
    description: 'throughput mode: messages measured after warm-up',
    default: '1000000',
  },
  size: { type: 'string', description: 'message size in bytes', default: '100' },
  partitions: { type: 'string', description: 'partitions of the fresh topic', default: '3' },
  acks: { type: 'string', description: 'acks: all (-1), 1 or 0', default: 'all' },
  batch: {
    type: 'string',
    description: 'messages per produce request (perf-test: batch.size = batch × size bytes)',
    default: '1000',
  },
  'in-flight': { type: 'string', description: 'produce requests in flight at once', default: '5' },
  'linger-ms': { type: 'string', description: 'perf-test linger.ms', default: '5' },
  compression: { type: 'string', description: COMPRESSIONS.join(' | '), default: 'none' },
  rate: { type: 'string', description: 'latency mode: messages per second', default: '10000' },
  duration: { type: 'string', description: 'latency mode: measured seconds after warm-up', default: '10' },
  warmup: {
    type: 'string',
    description: 'messages excluded at the start (default: 10% of messages, or 2 s at --rate)',
  },
  'no-e2e': {
    type: 'boolean',
    description: 'latency mode: skip the consumer (no end-to-end latency)',
    default: false,
  },
  'stall-timeout': {
    type: 'string',
    description: 'seconds without an acknowledgement before the run fails',
    default: '10',
  },
  out: { type: 'string', description: 'results directory (default: bench/results)' },
  progress: { type: 'string', description: 'progress line interval in seconds (0 = off)', default: '1' },
} satisfies Record<string, BenchOption>;

type Raw = Record<string, string | boolean | string[] | boolean[] | undefined>;

function str(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  if (Array.isArray(v)) return String(v[v.length - 1]);
  return v === undefined ? undefined : String(v);
}

function num(
  raw: Raw,
  key: string,
  opts: { integer?: boolean; positive?: boolean; min?: number; max?: number; what: string },
): number {
  const text = str(raw, key) ?? String((BENCH_OPTIONS as Record<string, BenchOption>)[key]?.default ?? '');
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${key} must be ${opts.integer ? 'an integer' : 'a number'} (${opts.what}), got '${text}'`,
    );
  }
  if (opts.positive && n <= 0) {
    throw new UsageError(`--${key} must be greater than 0 (${opts.what}), got ${text}`);
  }
  if (opts.min !== undefined && n < opts.min) {
    throw new UsageError(`--${key} must be at least ${opts.min} (${opts.what}), got ${text}`);
  }
  if (opts.max !== undefined && n > opts.max) {
    throw new UsageError(`--${key} must be at most ${opts.max} (${opts.what}), got ${text}`);
  }
  return n;
}

function parseAcks(text: string): Acks {
  const t = text.trim().toLowerCase();
  if (t === 'all' || t === '-1') return -1;
  if (t === '1') return 1;
  if (t === '0') return 0;
  throw new UsageError(`--acks must be all, -1, 1 or 0, got '${text}'`);
}

function parseClients(text: string | undefined, mode: Mode): ClientName[] {
  if (text === undefined) return mode === 'throughput' ? [...THROUGHPUT_CLIENTS] : [...JS_CLIENTS];
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new UsageError(`--clients is empty: name one or more of ${CLIENT_NAMES.join(', ')}`);
  for (const n of names) {
    if (!CLIENT_NAMES.includes(n as ClientName)) {
      throw new UsageError(`--clients: unknown client '${n}', expected ${CLIENT_NAMES.join(', ')}`);
    }
  }
  return [...new Set(names as ClientName[])];
}

/** Validates raw flag values (strings as typed) into options; throws UsageError with one line. */
/**
 * Where Kafka answers when no --bootstrap is given: the seed's external address (localhost:19092)
 * at KAFKA_PORT, which every target publishes. `tasks.ts bench kafka` asks the active target instead.
 */
export const defaultBootstrap = (env: NodeJS.ProcessEnv): string => `127.0.0.1:${env.KAFKA_PORT ?? '19092'}`;

/** The codec, when every chosen client can use it. */
function parseCompression(text: string, clients: readonly ClientName[]): Compression {
  if (!COMPRESSIONS.includes(text as Compression)) {
    throw new UsageError(`--compression must be one of ${COMPRESSIONS.join(', ')}, got '${text}'`);
  }
  const compression = text as Compression;
  if (clients.includes('kafkajs') && compression !== 'none' && compression !== 'gzip') {
    throw new UsageError(
      `--compression ${compression}: kafkajs only ships gzip (other codecs need plugins); use none or gzip, or drop kafkajs from --clients`,
    );
  }
  if (clients.includes('platformatic') && compression === 'snappy') {
    throw new UsageError(
      '--compression snappy: @platformatic/kafka needs an optional native codec for snappy; use none, gzip, lz4 or zstd',
    );
  }
  return compression;
}

export function parseBenchOptions(raw: Raw, env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const modeText = str(raw, 'mode') ?? 'throughput';
  if (modeText !== 'throughput' && modeText !== 'latency') {
    throw new UsageError(`--mode must be throughput or latency, got '${modeText}'`);
  }
  const mode: Mode = modeText;
  const clients = parseClients(str(raw, 'clients'), mode);
  if (mode === 'latency' && clients.includes('perf-test')) {
    throw new UsageError(
      '--clients: perf-test has no open-loop mode (its latency is not measured from an intended send time); use it with --mode throughput',
    );
  }
  if (mode === 'throughput' && clients.includes('e2e-latency')) {
    throw new UsageError(
      '--clients: e2e-latency (Kafka EndToEndLatency) measures latency one record at a time; use it with --mode latency',
    );
  }
  const size = num(raw, 'size', {
    integer: true,
    min: mode === 'latency' ? 16 : 1,
    max: 1_000_000,
    what: 'bytes per message',
  });
  const messages = num(raw, 'messages', { integer: true, min: 1, what: 'messages to measure' });
  const rate = num(raw, 'rate', { positive: true, max: 10_000_000, what: 'messages per second' });
  const durationS = num(raw, 'duration', { positive: true, max: 86_400, what: 'seconds' });
  const warmupText = str(raw, 'warmup');
  const warmup =
    warmupText === undefined
      ? mode === 'throughput'
        ? Math.min(Math.ceil(messages / 10), 100_000)
        : Math.ceil(rate * 2)
      : num(raw, 'warmup', { integer: true, min: 0, what: 'messages excluded at the start' });
  const compression = parseCompression(str(raw, 'compression') ?? 'none', clients);
  const bootstrap = str(raw, 'bootstrap') ?? defaultBootstrap(env);
  if (!/^[^\s:]+:\d{1,5}$/.test(bootstrap)) {
    throw new UsageError(`--bootstrap must be host:port, got '${bootstrap}'`);
  }
  const topic = str(raw, 'topic');
  if (topic !== undefined && !/^[a-zA-Z0-9._-]{1,249}$/.test(topic)) {
    throw new UsageError(
      `--topic '${topic}' is not a valid Kafka topic name (letters, digits, . _ -; at most 249)`,
    );
  }
  return {
    mode,
    clients,
    bootstrap,
    topic,
    createTopic: raw['create-topic'] === true,
    keepTopic: raw['keep-topic'] === true,
    messages,
    size,
    partitions: num(raw, 'partitions', { integer: true, min: 1, max: 10_000, what: 'partitions' }),
    acks: parseAcks(str(raw, 'acks') ?? 'all'),
    batch: num(raw, 'batch', { integer: true, min: 1, max: 100_000, what: 'messages per produce request' }),
    inFlight: num(raw, 'in-flight', { integer: true, min: 1, max: 1000, what: 'produce requests in flight' }),
    lingerMs: num(raw, 'linger-ms', { integer: true, min: 0, max: 60_000, what: 'perf-test linger.ms' }),
    compression,
    rate,
    durationS,
    warmup,
    e2e: raw['no-e2e'] !== true,
    stallTimeoutMs: num(raw, 'stall-timeout', { positive: true, max: 3600, what: 'seconds' }) * 1000,
    outDir: path.resolve(str(raw, 'out') ?? path.join(resolvePaths(env).root, 'bench', 'results')),
    progressMs: num(raw, 'progress', { min: 0, max: 3600, what: 'seconds' }) * 1000,
  };
}

/** Messages the run sends in total, warm-up included. */
export function totalMessages(o: BenchOptions): number {
  return o.warmup + (o.mode === 'throughput' ? o.messages : Math.ceil(o.rate * o.durationS));
}
