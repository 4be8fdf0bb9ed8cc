// Load on a real service: wrk (2 threads, 32 connections, 20 s by default) on loopback against
// the demo service's POST /events, the demo running as its own process (examples/demo-service)
// against the native Kafka broker with a fresh topic. Counts the 201 answers (each one means the
// broker acknowledged that event with acks=all) against the messages the topic holds afterwards:
// fewer messages than 201s would be a lost event, and the run fails.
//   npx tsx bench/http-load.ts                       # default client (@platformatic/kafka)
//   npx tsx bench/http-load.ts --client kafkajs --duration 20 --connections 32 --threads 2
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { UsageError } from '../tasks/engine/task.ts';
import { nativeEndpoints } from '../tasks/targets/native/index.ts';
import { freePort } from '../tasks/ports.ts';
import { REPO_ROOT } from '../tasks/paths.ts';
import { orchestratorKafka } from '../tasks/topics.ts';

const DEMO_DIR = path.join(REPO_ROOT, 'examples', 'demo-service');
const CLIENTS = ['platformatic', 'kafkajs'] as const;
const BODY = JSON.stringify({ type: 'load.test', payload: { qty: 1, note: 'http-load bench' } });

export interface LoadOptions {
  client: (typeof CLIENTS)[number];
  bootstrap: string;
  threads: number;
  connections: number;
  durationS: number;
  warmupS: number;
  outDir: string;
  /** The demo service's directory; another checkout's lets a before/after use the same bench. */
  demoDir: string;
}

export interface WrkResult {
  requests: number;
  durationUs: number;
  created: number;
  status503: number;
  status413: number;
  otherStatus: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  timeouts: number;
  /** Latency, µs. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

// Counts answers by status in every wrk thread and prints one JSON line at the end.
const WRK_SCRIPT = `
wrk.method = "POST"
wrk.body = ${JSON.stringify(BODY)}
wrk.headers["content-type"] = "application/json"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) created = 0; s503 = 0; s413 = 0; other = 0 end
function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 503 then s503 = s503 + 1
  elseif status == 413 then s413 = s413 + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local c, a, b, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); a = a + t:get("s503"); b = b + t:get("s413"); o = o + t:get("other")
  end
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"durationUs":%d,"created":%d,"status503":%d,"status413":%d,"otherStatus":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f}\\n',
    summary.requests, summary.duration, c, a, b, o, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
`;

function positiveInt(raw: string | undefined, flag: string, dflt: number, max: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${flag} must be a whole number from 1 to ${max}, got '${raw}'`);
  return n;
}

export function parseLoadOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        client: { type: 'string' },
        bootstrap: { type: 'string' },
        threads: { type: 'string' },
        connections: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        out: { type: 'string' },
        demo: { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw new UsageError(`bench/http-load.ts: ${(e as Error).message.split('\n')[0]} (see --help)`);
  }
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
    client: client as LoadOptions['client'],
    bootstrap,
    threads,
    connections,
    durationS: positiveInt(values.duration as string | undefined, 'duration', 20, 3600),
    warmupS: positiveInt(values.warmup as string | undefined, 'warmup', 3, 600),
    outDir: path.resolve((values.out as string | undefined) ?? path.join(REPO_ROOT, 'bench', 'results')),
    demoDir: path.resolve((values.demo as string | undefined) ?? DEMO_DIR),
  };
}

export function parseWrkResult(stdout: string): WrkResult | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  return line ? (JSON.parse(line.slice('RESULT '.length)) as WrkResult) : undefined;
}

async function messagesIn(bootstrap: string, topic: string): Promise<number> {
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

async function wrk(o: LoadOptions, url: string, script: string, seconds: number): Promise<WrkResult> {
  const r = await execa(
    'wrk',
    [
      '-t',
      String(o.threads),
      '-c',
      String(o.connections),
      '-d',
      `${seconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      url,
    ],
    { reject: false, timeout: (seconds + 60) * 1000 },
  );
  const res = parseWrkResult(String(r.stdout));
  if (!res)
    throw new Error(
      `wrk printed no result (exit ${r.exitCode}): ${String(r.stderr || r.stdout).slice(-400)}`,
    );
  return res;
}

const ms = (us: number) => (us / 1000).toFixed(us < 10_000 ? 2 : 1);

export async function runLoad(o: LoadOptions, out: (l: string) => void): Promise<number> {
  const demoMain = path.join(o.demoDir, 'src', 'main.ts');
  if (!fs.existsSync(demoMain))
    throw new UsageError(`--demo: no ${demoMain}; pass the demo service's directory`);
  const which = await execa('wrk', ['-v'], { reject: false });
  if (which.failed && (which as { code?: string }).code === 'ENOENT')
    throw new UsageError('wrk is not installed: apt-get install wrk (Debian package), then run again');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const topic = `http-load-${o.client}-${stamp.replace(/[^0-9]/g, '').slice(0, 14)}`;
  await fsp.mkdir(o.outDir, { recursive: true });
  const logFile = path.join(o.outDir, `http-load-${stamp}.demo.log`);
  const script = path.join(os.tmpdir(), `http-load-${process.pid}.lua`);
  await fsp.writeFile(script, WRK_SCRIPT);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logFile, 'w');
  const loadStart = os.loadavg();
  // The demo as it runs on the native target: its own process, INFO logs to a file.
  const child = spawn(process.execPath, ['--no-warnings', demoMain], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      KAFKA_BROKERS: o.bootstrap,
      KAFKA_CLIENT: o.client,
      EVENTS_TOPIC: topic,
      KAFKA_GROUP_ID: `${topic}-g`,
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', log, log],
  });
  try {
    await waitReady(base, child, logFile);
    out(
      `http-load: wrk -t${o.threads} -c${o.connections} -d${o.durationS}s POST ${base}/events (${path.relative(process.cwd(), o.demoDir) || '.'} on ${o.client}, topic ${topic}, broker ${o.bootstrap}); load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`,
    );
    const warm = await wrk(o, `${base}/events`, script, o.warmupS);
    const run = await wrk(o, `${base}/events`, script, o.durationS);
    const loadEnd = os.loadavg();
    // Every request has been answered (wrk waited), so every 201's message is in the topic now.
    const inTopic = await messagesIn(o.bootstrap, topic);
    const created = warm.created + run.created;
    const lost = Math.max(0, created - inTopic);
    const rps = run.requests / (run.durationUs / 1e6);
    const lines = [
      `  requests   ${run.requests.toLocaleString('en-US')} in ${(run.durationUs / 1e6).toFixed(1)} s: ${Math.round(rps).toLocaleString('en-US')} req/s`,
      `  latency    p50 ${ms(run.p50)}  p90 ${ms(run.p90)}  p99 ${ms(run.p99)}  p99.9 ${ms(run.p999)}  max ${ms(run.max)} ms`,
      `  answers    201 ${run.created.toLocaleString('en-US')}  503 ${run.status503}  413 ${run.status413}  other ${run.otherStatus}  socket errors ${run.connectErrors + run.readErrors + run.writeErrors}  timeouts ${run.timeouts}`,
      `  topic      ${inTopic.toLocaleString('en-US')} messages for ${created.toLocaleString('en-US')} answers 201 (warm-up ${warm.created.toLocaleString('en-US')} + measured ${run.created.toLocaleString('en-US')}): ${lost === 0 ? 'nothing lost' : `${lost} LOST`}${inTopic > created ? `, ${inTopic - created} written without a 201 counted (requests still in flight when wrk stopped: at most --connections per run)` : ''}`,
      `  load avg   start ${loadStart.map((l) => l.toFixed(2)).join(' ')}  end ${loadEnd.map((l) => l.toFixed(2)).join(' ')}`,
    ];
    for (const l of lines) out(l);
    const file = path.join(o.outDir, `http-load-${stamp}.json`);
    await fsp.writeFile(
      file,
      JSON.stringify(
        {
          kind: 'http-load',
          options: o,
          topic,
          warmup: warm,
          run,
          reqPerSec: rps,
          inTopic,
          created,
          lost,
          loadStart,
          loadEnd,
        },
        null,
        2,
      ) + '\n',
    );
    out(`results: ${file}\ndemo log: ${logFile}`);
    return lost > 0 || run.created === 0 ? 1 : 0;
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), new Promise((r) => setTimeout(r, 15_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    fs.closeSync(log);
    await fsp.rm(script, { force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      'usage: npx tsx bench/http-load.ts [--client platformatic|kafkajs] [--threads 2] [--connections 32] [--duration 20] [--warmup 3] [--bootstrap 127.0.0.1:PORT] [--out DIR] [--demo DIR]',
    );
    return 0;
  }
  try {
    return await runLoad(parseLoadOptions(argv), (l) => console.log(l));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return e instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await main(process.argv.slice(2)));
}
