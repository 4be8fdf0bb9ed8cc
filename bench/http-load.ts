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
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSettings } from '../tasks/config/settings.ts';
import { UsageError } from '../tasks/engine/task.ts';
import { REPO_ROOT, resolvePaths } from '../tasks/paths.ts';
import type { PlatformContext } from '../tasks/context.ts';
import { createTarget } from '../tasks/targets/index.ts';
import { DEMO_SERVICE, DEMO_TOPIC, type Endpoints, type Target } from '../tasks/targets/target.ts';
import { freePort } from '../tasks/ports.ts';
import { measure, messagesIn, waitReady, type RowResult } from './http/measure.ts';
import { OBSERVED, cpuSeconds, findSample, snapshotSupervised } from './http/observed.ts';
import { CLIENTS, DEFAULT_ROWS, ROWS, positiveInt, type LoadOptions, type RowName } from './http/options.ts';
import { renderRows } from './http/render.ts';
import { assertWrk, sampleIds } from './http/wrk.ts';

export { parseWrkResult } from './http/wrk.ts';
export { messagesIn, renderRows, type LoadOptions, type RowResult };

const DEMO_DIR = path.join(REPO_ROOT, 'examples', 'demo-service');
/** `ep`: the native target's endpoints (the default --bootstrap is its Kafka). */
export function parseLoadOptions(argv: string[], ep: Endpoints): LoadOptions {
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
    (values.bootstrap as string | undefined) ?? (ep.kafka as { url: string }).url;
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

/** The settings and the native target a run measures (its endpoints and supervised processes). */
export interface LoadEnv {
  env: Readonly<Record<string, string | undefined>>;
  target: Target<PlatformContext>;
}

/** CPU of the named processes the target supervises that are running now. */
const supervisedCpu = async (target: Target<PlatformContext>, names: readonly string[]) =>
  snapshotSupervised((await target.pids?.(resolvePaths())) ?? {}, names);

async function platformRow(o: LoadOptions, { env, target }: LoadEnv, out: (l: string) => void): Promise<RowResult> {
  const ep = target.endpoints();
  const url = (ep.demo as { url: string }).url;
  const ready = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.status,
    () => 0,
  );
  if (ready !== 200)
    throw new UsageError(
      `the platform's demo does not answer 200 on ${url}/ready (${ready || 'no answer'}): start the stack (node tasks.ts up) or pass --rows detached`,
    );
  const topic = env.DEMO_EVENTS_TOPIC ?? DEMO_TOPIC;
  const r = await measure(
    o,
    'platform',
    {
      url,
      topic,
      observability: `spans to Jaeger ${(ep.otlpGrpc as { url: string }).url}, log file shipped to VictoriaLogs, LOG_LEVEL ${env.DEMO_LOG_LEVEL ?? 'info'}`,
      cpu: () => supervisedCpu(target, OBSERVED),
    },
    out,
  );
  const ids = sampleIds(r.run, o.sample);
  if (ids.length > 0) r.findable = await findIn(ep, ids, DEMO_SERVICE, topic);
  return r;
}

const findIn = (ep: Endpoints, ids: string[], service: string, topic: string) =>
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
  { target }: LoadEnv,
  stamp: string,
  out: (l: string) => void,
): Promise<RowResult> {
  const demoMain = path.join(o.demoDir, 'src', 'main.ts');
  const paths = resolvePaths();
  const ep = target.endpoints();
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
          const snap = await supervisedCpu(
            target,
            observed ? OBSERVED.filter((n) => n !== DEMO_SERVICE) : ['kafka'],
          );
          const s = await cpuSeconds(child.pid!);
          if (s !== undefined) {
            snap.pids[DEMO_SERVICE] = child.pid!;
            snap.seconds[DEMO_SERVICE] = s;
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

export async function runLoad(
  o: LoadOptions,
  env: LoadEnv,
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
    // Native only: the platform row reads the CPU of the processes the native target supervises.
    const target = await createTarget('native', env);
    return await runLoad(parseLoadOptions(argv, target.endpoints()), { env, target }, (l) => console.log(l));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return e instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(await main(process.argv.slice(2)));
}
