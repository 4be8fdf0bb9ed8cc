// Load on the demo service, side by side in one run (issue 25): wrk on POST /events of
//   platform   the demo the stack `up` started (DEMO_PORT), with its spans exported to Jaeger and
//              its log lines shipped by the collector to VictoriaLogs: what a user gets;
//   observed   the demo code of this checkout (or --demo DIR) started here on a free port and a
//              fresh topic but wired like the platform's: spans to the stack's Jaeger, its log
//              file in the stack's logs directory (the collector ships it): a before/after of a
//              template change without restarting the stack (run it once per --demo);
//   detached   the same code started here, spans not exported and its log file not shipped:
//              the service alone.
// Per row: req/s, p50/p99, the answers, lost = 201s − messages the topic gained, and the CPU
// seconds per 1,000 requests of the demo, the collector, VictoriaLogs, Jaeger, Kafka and wrk
// itself (from /proc/<pid>/stat before and after; the supervisor's pid files name the processes).
// After the platform row a sample of its trace ids is looked up in Jaeger and VictoriaLogs.
//   node bench/http-load.ts                              # both rows, 20 s each (about 2 min)
//   node bench/http-load.ts --rows platform --duration 10
//   node bench/http-load.ts --rows detached --client kafkajs --demo ../other-checkout/examples/demo-service
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSettings } from '../tasks/config/settings.ts';
import { UsageError } from '../tasks/engine/task.ts';
import { REPO_ROOT, resolvePaths } from '../tasks/paths.ts';
import { nativeEndpoints } from '../tasks/targets/native/index.ts';
import { DEMO_PROCESS, DEMO_TOPIC } from '../tasks/targets/native/demo.ts';
import { freePort } from '../tasks/ports.ts';
import { orchestratorKafka } from '../tasks/topics.ts';
import {
  OBSERVED,
  cpuPer1000,
  cpuSeconds,
  findSample,
  snapshotSupervised,
  type CpuSnapshot,
  type Findable,
} from './http/observed.ts';
import { assertWrk, runWrk, sampleIds, type WrkRun } from './http/wrk.ts';

export { parseWrkResult } from './http/wrk.ts';

const DEMO_DIR = path.join(REPO_ROOT, 'examples', 'demo-service');
const CLIENTS = ['platformatic', 'kafkajs'] as const;
const ROWS = ['platform', 'observed', 'detached'] as const;
const DEFAULT_ROWS = ['platform', 'detached'];
type RowName = (typeof ROWS)[number];

export interface LoadOptions {
  rows: RowName[];
  /** Kafka client of the detached demo (the platform's demo runs with its own setting). */
  client: (typeof CLIENTS)[number];
  bootstrap: string;
  threads: number;
  connections: number;
  durationS: number;
  warmupS: number;
  /** Trace ids of the platform row looked up in Jaeger and VictoriaLogs. */
  sample: number;
  outDir: string;
  /** The started demos' directory; another checkout's lets a before/after use the same bench. */
  demoDir: string;
  /** Started demos run under `node --cpu-prof` and write their profile here. */
  cpuProfDir?: string;
}

function positiveInt(raw: string | undefined, flag: string, dflt: number, max: number, min = 1): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got '${raw}'`);
  return n;
}

export function parseLoadOptions(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): LoadOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        rows: { type: 'string' },
        client: { type: 'string' },
        bootstrap: { type: 'string' },
        threads: { type: 'string' },
        connections: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        sample: { type: 'string' },
        out: { type: 'string' },
        demo: { type: 'string' },
        'cpu-prof': { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw new UsageError(`bench/http-load.ts: ${(e as Error).message.split('\n')[0]} (see --help)`);
  }
  const rows = ((values.rows as string | undefined) ?? DEFAULT_ROWS.join(','))
    .split(',')
    .map((r) => r.trim());
  const badRow = rows.find((r) => !(ROWS as readonly string[]).includes(r));
  if (badRow !== undefined || rows.length === 0)
    throw new UsageError(`--rows takes ${ROWS.join(', ')} (comma-separated), got '${String(values.rows)}'`);
  const client = (values.client as string | undefined) ?? 'platformatic';
  if (!(CLIENTS as readonly string[]).includes(client))
    throw new UsageError(`--client must be one of ${CLIENTS.join(', ')}, got '${client}'`);
  const bootstrap =
    (values.bootstrap as string | undefined) ?? (nativeEndpoints(env).kafka as { url: string }).url;
  if (!/^127\.0\.0\.1:\d{1,5}$|^localhost:\d{1,5}$/.test(bootstrap))
    throw new UsageError(
      `--bootstrap must be a loopback host:port (load runs only on this machine), got '${bootstrap}'`,
    );
  const threads = positiveInt(values.threads as string | undefined, 'threads', 2, 64);
  const connections = positiveInt(values.connections as string | undefined, 'connections', 32, 10_000);
  if (connections < threads)
    throw new UsageError(`--connections (${connections}) must be at least --threads (${threads})`);
  return {
    rows: [...new Set(rows)] as RowName[],
    client: client as LoadOptions['client'],
    bootstrap,
    threads,
    connections,
    durationS: positiveInt(values.duration as string | undefined, 'duration', 20, 3600),
    warmupS: positiveInt(values.warmup as string | undefined, 'warmup', 3, 600),
    sample: positiveInt(values.sample as string | undefined, 'sample', 20, 1000, 0),
    outDir: path.resolve((values.out as string | undefined) ?? path.join(REPO_ROOT, 'bench', 'results')),
    demoDir: path.resolve((values.demo as string | undefined) ?? DEMO_DIR),
    ...(values['cpu-prof'] ? { cpuProfDir: path.resolve(values['cpu-prof'] as string) } : {}),
  };
}

/** Sum of the partitions' high watermarks: every message the topic ever held. */
export async function messagesIn(bootstrap: string, topic: string): Promise<number> {
  const admin = orchestratorKafka(bootstrap, 'http-load').admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

async function waitReady(base: string, child: ChildProcess, logFile: string): Promise<void> {
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`demo service exited (${child.exitCode}); see ${logFile}`);
    const ok = await fetch(`${base}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`demo service not ready after 90 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface RowResult {
  row: RowName;
  url: string;
  topic: string;
  observability: string;
  warmup: WrkRun;
  run: WrkRun;
  reqPerSec: number;
  created: number;
  /** Messages the topic gained from before the warm-up to after the run. */
  gained: number;
  lost: number;
  /** CPU seconds per 1,000 measured requests, per process (wrk included). */
  cpuPer1000: Record<string, number>;
  findable?: Findable;
  loadStart: number[];
  loadEnd: number[];
}

interface Served {
  url: string;
  topic: string;
  observability: string;
  /** CPU of the processes that serve this row, now. */
  cpu(): Promise<CpuSnapshot>;
}

async function measure(
  o: LoadOptions,
  row: RowName,
  s: Served,
  out: (l: string) => void,
): Promise<RowResult> {
  const loadStart = os.loadavg();
  const wrkOpts = { threads: o.threads, connections: o.connections };
  out(
    `${row}: wrk -t${o.threads} -c${o.connections} -d${o.durationS}s POST ${s.url}/events (topic ${s.topic}; ${s.observability}); load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const before = await messagesIn(o.bootstrap, s.topic).catch(() => 0);
  const warmup = await runWrk(`${s.url}/events`, { ...wrkOpts, seconds: o.warmupS });
  const cpu0 = await s.cpu();
  const run = await runWrk(`${s.url}/events`, { ...wrkOpts, seconds: o.durationS });
  const cpu1 = await s.cpu();
  const loadEnd = os.loadavg();
  // wrk waited for every answer, so every 201's message is in the topic now.
  const gained = (await messagesIn(o.bootstrap, s.topic)) - before;
  const created = warmup.created + run.created;
  const cpu = { ...cpuPer1000(cpu0, cpu1, run.requests), wrk: (run.wrkCpuS * 1000) / run.requests };
  return {
    row,
    url: s.url,
    topic: s.topic,
    observability: s.observability,
    warmup,
    run,
    reqPerSec: run.requests / (run.durationUs / 1e6),
    created,
    gained,
    lost: Math.max(0, created - gained),
    cpuPer1000: cpu,
    loadStart,
    loadEnd,
  };
}

async function platformRow(
  o: LoadOptions,
  env: Readonly<Record<string, string | undefined>>,
  out: (l: string) => void,
): Promise<RowResult> {
  const ep = nativeEndpoints(env);
  const url = (ep.demo as { url: string }).url;
  const ready = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.status,
    () => 0,
  );
  if (ready !== 200)
    throw new UsageError(
      `the platform's demo does not answer 200 on ${url}/ready (${ready || 'no answer'}): start the stack (node tasks.ts up) or pass --rows detached`,
    );
  const paths = resolvePaths();
  const topic = env.DEMO_EVENTS_TOPIC ?? DEMO_TOPIC;
  const r = await measure(
    o,
    'platform',
    {
      url,
      topic,
      observability: `spans to Jaeger ${(ep.otlpGrpc as { url: string }).url}, log file shipped to VictoriaLogs, LOG_LEVEL ${env.DEMO_LOG_LEVEL ?? 'info'}`,
      cpu: () => snapshotSupervised(paths, OBSERVED),
    },
    out,
  );
  const ids = sampleIds(r.run, o.sample);
  if (ids.length > 0) r.findable = await findIn(ep, ids, DEMO_PROCESS, topic);
  return r;
}

const findIn = (ep: ReturnType<typeof nativeEndpoints>, ids: string[], service: string, topic: string) =>
  findSample(ids, {
    traceQuery: (ep.traceQuery as { url: string }).url,
    logsqlUrl: (ep.logsql as { url: string }).url,
    service,
    topic,
    waitMs: 60_000,
  });

/** A demo started here: `observed` wired to the stack's Jaeger and log shipping, `detached` not. */
async function startedRow(
  o: LoadOptions,
  row: 'observed' | 'detached',
  env: Readonly<Record<string, string | undefined>>,
  stamp: string,
  out: (l: string) => void,
): Promise<RowResult> {
  const demoMain = path.join(o.demoDir, 'src', 'main.ts');
  const paths = resolvePaths();
  const ep = nativeEndpoints(env);
  const observed = row === 'observed';
  const otlp = observed ? (ep.otlpGrpc as { url: string }).url : '';
  const service = `http-load-${row}`;
  const topic = `${service}-${o.client}-${stamp.replace(/[^0-9]/g, '').slice(0, 14)}`;
  // The collector ships every *.log of the stack's logs directory; elsewhere nothing reads it.
  const logFile = observed
    ? path.join(paths.logs, `${service}.log`)
    : path.join(o.outDir, `http-load-${stamp}.demo.log`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logFile, 'a');
  const prof = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [];
  const child = spawn(process.execPath, ['--no-warnings', ...prof, demoMain], {
    env: {
      ...process.env,
      SERVICE_NAME: service,
      HOST: '127.0.0.1',
      PORT: String(port),
      KAFKA_BROKERS: o.bootstrap,
      KAFKA_CLIENT: o.client,
      EVENTS_TOPIC: topic,
      KAFKA_GROUP_ID: `${topic}-g`,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', log, log],
  });
  const demoRel = path.relative(process.cwd(), o.demoDir) || '.';
  try {
    await waitReady(url, child, logFile);
    const r = await measure(
      o,
      row,
      {
        url,
        topic,
        observability: observed
          ? `${demoRel} on ${o.client} wired like the platform's: spans to Jaeger ${otlp}, log file ${path.relative(process.cwd(), logFile)} shipped to VictoriaLogs`
          : `${demoRel} on ${o.client}: spans not exported, INFO log lines to ${path.relative(process.cwd(), logFile)} (not shipped)`,
        cpu: async () => {
          const snap = await snapshotSupervised(
            paths,
            observed ? OBSERVED.filter((n) => n !== DEMO_PROCESS) : ['kafka'],
          );
          const s = await cpuSeconds(child.pid!);
          if (s !== undefined) {
            snap.pids[DEMO_PROCESS] = child.pid!;
            snap.seconds[DEMO_PROCESS] = s;
          }
          return snap;
        },
      },
      out,
    );
    const ids = observed ? sampleIds(r.run, o.sample) : [];
    if (ids.length > 0) r.findable = await findIn(ep, ids, service, topic);
    return r;
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    fs.closeSync(log);
  }
}

const ms = (us: number) => (us / 1000).toFixed(us < 10_000 ? 2 : 1);
const n0 = (n: number) => Math.round(n).toLocaleString('en-US');
const COLUMNS = ['demo-service', 'otelcol', 'victorialogs', 'jaeger', 'kafka', 'wrk'];

export function renderRows(rows: RowResult[]): string[] {
  const lines = [
    `  ${'row'.padEnd(9)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'201s'.padStart(9)} ${'lost'.padStart(5)}   CPU s / 1,000 requests: ${COLUMNS.join(' / ')}`,
  ];
  for (const r of rows) {
    const cpu = COLUMNS.map((c) => (r.cpuPer1000[c] === undefined ? '-' : r.cpuPer1000[c]!.toFixed(3)));
    lines.push(
      `  ${r.row.padEnd(9)} ${n0(r.reqPerSec).padStart(7)} ${ms(r.run.p50).padStart(7)} ${ms(r.run.p99).padStart(7)} ${n0(r.run.created).padStart(9)} ${String(r.lost).padStart(5)}   ${cpu.join(' / ')}`,
    );
  }
  for (const r of rows) {
    const other = r.run.status503 + r.run.status413 + r.run.otherStatus;
    const sock = r.run.connectErrors + r.run.readErrors + r.run.writeErrors + r.run.timeouts;
    lines.push(
      `  ${r.row}: ${r.observability}; ${n0(r.run.requests)} requests in ${(r.run.durationUs / 1e6).toFixed(1)} s, ${other} not 201, ${sock} socket errors/timeouts; topic gained ${n0(r.gained)} for ${n0(r.created)} answers 201 (warm-up included): ${r.lost === 0 ? 'nothing lost' : `${r.lost} LOST`}; load average ${r.loadStart.map((l) => l.toFixed(2)).join(' ')} → ${r.loadEnd.map((l) => l.toFixed(2)).join(' ')}`,
    );
    if (r.findable) {
      const f = r.findable;
      lines.push(
        `  ${r.row}: ${f.sampled} sampled trace ids: ${f.tracesWhole} whole traces in Jaeger (HTTP, produce, consume), ${f.accessLines} access lines and ${f.allLines} with all three lines in VictoriaLogs (after ${(f.waitedMs / 1000).toFixed(1)} s)${f.missing.length ? `; missing ${f.missing.slice(0, 3).join(', ')}` : ''}`,
      );
    }
  }
  const p = rows.find((r) => r.row === 'platform');
  const d = rows.find((r) => r.row === 'detached');
  if (p && d) {
    const sum = (r: RowResult) =>
      Object.entries(r.cpuPer1000)
        .filter(([k]) => k !== 'wrk' && k !== 'kafka')
        .reduce((s, [, v]) => s + v, 0);
    lines.push(
      `  platform / detached: ${(p.reqPerSec / d.reqPerSec).toFixed(2)}× the req/s; observability cost ${(sum(p) - sum(d)).toFixed(3)} CPU s per 1,000 requests (demo + collector + VictoriaLogs + Jaeger, platform minus detached demo)`,
    );
  }
  return lines;
}

export async function runLoad(
  o: LoadOptions,
  env: Readonly<Record<string, string | undefined>>,
  out: (l: string) => void,
): Promise<number> {
  if (o.rows.some((r) => r !== 'platform') && !fs.existsSync(path.join(o.demoDir, 'src', 'main.ts')))
    throw new UsageError(
      `--demo: no ${path.join(o.demoDir, 'src', 'main.ts')}; pass the demo service's directory`,
    );
  await assertWrk();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await fsp.mkdir(o.outDir, { recursive: true });
  const rows: RowResult[] = [];
  for (const row of o.rows)
    rows.push(
      row === 'platform' ? await platformRow(o, env, out) : await startedRow(o, row, env, stamp, out),
    );
  for (const l of renderRows(rows)) out(l);
  const file = path.join(o.outDir, `http-load-${stamp}.json`);
  await fsp.writeFile(
    file,
    JSON.stringify({ kind: 'http-load', at: new Date().toISOString(), options: o, rows }, null, 2) + '\n',
  );
  out(`results: ${file}`);
  const bad = rows.some(
    (r) =>
      r.lost > 0 ||
      r.run.created === 0 ||
      (r.findable &&
        (r.findable.tracesWhole < r.findable.sampled || r.findable.accessLines < r.findable.sampled)),
  );
  return bad ? 1 : 0;
}

const USAGE =
  'usage: node bench/http-load.ts [--rows platform,observed,detached (default platform,detached)] [--duration 20] [--warmup 3] [--threads 2] [--connections 32] [--sample 20] [--client platformatic|kafkajs] [--bootstrap 127.0.0.1:PORT] [--out DIR] [--demo DIR] [--cpu-prof DIR]';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `${USAGE}\n  platform: the demo the stack runs (DEMO_PORT, tracing and log shipping on); observed: this checkout's (or --demo's) demo started here, wired like the platform's; detached: the same code started here, unobserved.\n  --cpu-prof DIR: the demos started here run under node --cpu-prof (summarise with node bench/cpu-profile.ts).\n  Exit 1 when a 201 is missing from the topic or a sampled trace id is not found in Jaeger / VictoriaLogs.`,
    );
    return 0;
  }
  try {
    const env = loadSettings({ root: REPO_ROOT });
    return await runLoad(parseLoadOptions(argv, env), env, (l) => console.log(l));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return e instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await main(process.argv.slice(2)));
}
