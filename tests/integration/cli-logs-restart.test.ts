// `tasks.ts logs` and `tasks.ts restart` as a person runs them (node tasks.ts … in a child
// process) against a real native stack of their own: Apache Kafka (KRaft) and the demo service,
// supervised in a temp PLATFORM_DIR on free ports (never the defaults, never .platform/). Each
// assertion is about lines or messages this test wrote itself, so a stack already running on
// this machine changes nothing.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';
import { canBind, freePort } from '../../tasks/ports.ts';
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import { readPid } from '../../tasks/targets/native/supervisor.ts';
import { orchestratorKafka } from '../../tasks/topics.ts';
import { PORT_KEYS as OBS_PORT_KEYS } from '../../tasks/targets/native/observability-ports.ts';
import type { ComponentId } from '../../tasks/targets/target.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';
import { loud } from '../support/loud-hook.ts';

const PORT_KEYS = [
  'KAFKA_PORT',
  'KAFKA_CONTROLLER_PORT',
  'KAFKA_METRICS_PORT',
  'PROMETHEUS_PORT',
  'LAG_EXPORTER_PORT',
  'NODE_EXPORTER_PORT',
  'DEMO_PORT',
  'GRAFANA_PORT',
  ...Object.values(OBS_PORT_KEYS).map(([key]) => key),
] as const;
const TOPIC = 'demo.events';
const UP: ComponentId[] = ['event-bus', 'demo'];

let dir = '';
let env: Record<string, string> = {};
let ctx: PlatformContext;
let demo = '';

/** `node tasks.ts …` against this test's stack; stdout, stderr and the exit code. */
function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['tasks.ts', ...args, '--target', 'native'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

async function post(type: string): Promise<string> {
  const r = await fetch(`${demo}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ type, payload: { from: 'cli-logs-restart' } }),
  });
  assert.is(r.status, 201, `POST /events answered ${r.status}`);
  return ((await r.json()) as { traceId: string }).traceId;
}

/**
 * GET on a connection of its own: fetch would reuse a kept-alive socket to the process the
 * restart replaced and fail with 'other side closed', which says nothing about the new one.
 */
function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, timeout: 5_000 }, (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/** Messages in the demo's topic: the sum of its partitions' end offsets. */
async function topicCount(): Promise<number> {
  const admin = orchestratorKafka(`127.0.0.1:${env.KAFKA_PORT}`, 'cli-logs-restart-test').admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(TOPIC)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Lines of the demo's log containing `text`, waiting for its logger to flush (it batches 100 ms). */
async function demoLogHas(text: string): Promise<void> {
  const file = path.join(dir, 'logs', 'demo-service.log');
  for (let i = 0; i < 50; i++) {
    if ((await fsp.readFile(file, 'utf8').catch(() => '')).includes(text)) return;
    await sleep(100);
  }
  assert.unreachable(`the demo never logged ${text}`);
}

test.before(
  loud(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cli-logs-'));
    const ports = new Set<number>();
    while (ports.size < PORT_KEYS.length) ports.add(await freePort());
    env = { PLATFORM_DIR: dir, PLATFORM_CACHE: resolvePaths().cache, KAFKA_HEAP_MB: '384' };
    [...ports].forEach((p, i) => (env[PORT_KEYS[i]!] = String(p)));
    const paths = resolvePaths({ ...process.env, ...env });
    ctx = {
      signal: new AbortController().signal,
      log: () => undefined,
      logFile: path.join(paths.logs, 'test.log'),
      target: nativeTarget(env),
      paths,
      env,
    };
    for (const id of UP) {
      await ctx.target.components[id]!.install?.(ctx);
      await ctx.target.components[id]!.up(ctx);
    }
    demo = `http://127.0.0.1:${env.DEMO_PORT}`;
  }),
);

test.after(async () => {
  for (const id of [...UP].reverse()) await ctx?.target.components[id]?.down?.(ctx).catch(() => undefined);
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
  // A stopped process's listening socket goes with it, but under load the kernel may take a
  // moment after the pid is reaped: poll briefly rather than judge the first instant.
  for (const key of PORT_KEYS) {
    if (!env[key]) continue;
    let free = await canBind(Number(env[key]));
    for (let i = 0; !free && i < 25; i++) {
      await sleep(200);
      free = await canBind(Number(env[key]));
    }
    assert.ok(free, `${key} (${env[key]}) free after down`);
  }
});

test('logs demo-service shows the request line of the POST just made, prefixed by its name', async () => {
  const traceId = await post('logs.latest');
  await demoLogHas(traceId);
  const r = cli('logs', 'demo-service');
  assert.is(r.code, 0, r.err);
  const lines = r.out.split('\n').filter((l) => l.startsWith('demo-service | '));
  assert.ok(lines.length > 0 && lines.length <= 100, `${lines.length} demo lines`);
  const request = lines.filter((l) => l.includes('"route":"/events"') && l.includes('"message":"request"'));
  assert.ok(
    request.at(-1)?.includes(traceId),
    `the latest request line carries ${traceId}: ${request.at(-1)}`,
  );
  // Not coloured: stdout is a pipe.
  assert.not.ok(r.out.includes('\u001b['), 'no colour codes');
});

test('logs merges every component in time order; -n limits the lines', async () => {
  const r = cli('logs', '-n', '40');
  assert.is(r.code, 0, r.err);
  const lines = r.out.split('\n').filter((l) => / \| /.test(l));
  assert.is(lines.length, 40);
  const names = new Set(lines.map((l) => l.split(' | ')[0]!.trim()));
  assert.ok(names.has('kafka') || names.has('demo-service'), [...names].join(','));
  const times = lines
    .map((l) => /"(?:timestamp|ts|time)":"([^"]+)"/.exec(l)?.[1])
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t));
  assert.equal(
    times,
    [...times].sort((a, b) => a - b),
    'lines in time order',
  );
});

test('logs --grep keeps only the lines with the text; --since only the lines written since', async () => {
  const first = await post('logs.grep');
  await demoLogHas(first);
  await sleep(1_100);
  const since = new Date().toISOString();
  await sleep(50);
  const second = await post('logs.since');
  await demoLogHas(second);

  const grep = cli('logs', 'demo-service', '--grep', first);
  assert.is(grep.code, 0, grep.err);
  const hits = grep.out.split('\n').filter((l) => l.startsWith('demo-service | '));
  assert.ok(hits.length >= 1, grep.out);
  assert.ok(
    hits.every((l) => l.includes(first)),
    'every line has the grepped trace id',
  );

  const recent = cli('logs', 'demo-service', '--since', since);
  assert.is(recent.code, 0, recent.err);
  assert.ok(recent.out.includes(second), 'the line written after --since is shown');
  assert.not.ok(recent.out.includes(first), 'the line written before --since is not');

  const minutes = cli('logs', 'demo-service', '--since', '10m', '--grep', second);
  assert.ok(minutes.out.includes(second), '--since 10m keeps a line of a moment ago');
});

test('logs -f prints a line written after it started; SIGINT ends it with 130 and leaves no process', async () => {
  const child = spawn(
    process.execPath,
    ['tasks.ts', 'logs', '-f', 'demo-service', '-n', '1', '--target', 'native'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: afterwards nothing may be left in it
    },
  );
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    for (let i = 0; i < 100 && !out.includes('demo-service | '); i++) await sleep(100);
    assert.ok(out.includes('demo-service | '), `the tail came first: ${out}`);
    const traceId = await post('logs.follow');
    for (let i = 0; i < 100 && !out.includes(traceId); i++) await sleep(100);
    assert.ok(out.includes(traceId), 'the followed output shows the line written after the start');
    child.kill('SIGINT');
    const code = await Promise.race([exited, sleep(10_000).then(() => 'hung')]);
    assert.is(code, 130);
    let groupAlive = true;
    try {
      process.kill(-child.pid!, 0);
    } catch {
      groupAlive = false;
    }
    assert.not.ok(groupAlive, 'no process of logs -f is left');
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone, as it should be */
    }
  }
});

test('restart demo-service: new pid, same Kafka, /ready 200, every acknowledged message kept, recorded', async () => {
  const kafkaBefore = (await readPid(ctx.paths, 'kafka'))!.pid;
  const demoBefore = (await readPid(ctx.paths, 'demo-service'))!.pid;
  const before = await topicCount().catch(() => 0);
  const N = 50;
  for (let i = 0; i < N; i++) await post('restart.count');

  const r = cli('restart', 'demo-service');
  assert.is(r.code, 0, r.err + r.out);
  assert.match(r.out, /restart: demo \(demo-service\)/);
  assert.match(r.out, new RegExp(`demo-service restarted pid ${demoBefore} → \\d+`));

  const demoAfter = (await readPid(ctx.paths, 'demo-service'))!.pid;
  assert.is.not(demoAfter, demoBefore, 'the demo runs as a new process');
  assert.is((await readPid(ctx.paths, 'kafka'))!.pid, kafkaBefore, 'Kafka was left alone');
  // restart returned once /ready answered 200. A clean clone's .ci/run (9fa5b4d) then saw one 503
  // "consumer joined" at the next instant: the new consumer's stream was started again (a group
  // rebalance right after the join is the likely cause; not verified). /ready says so honestly;
  // the test asks for 200 again within HANG_GUARD_MS and prints any 503 it saw, so a flap is on record.
  let ready = await getFresh(`${demo}/ready`);
  const t0 = Date.now();
  const seen: string[] = [];
  while (ready.status !== 200 && Date.now() - t0 < HANG_GUARD_MS) {
    seen.push(`${Date.now() - t0} ms: ${ready.status} ${ready.body}`);
    await sleep(250);
    ready = await getFresh(`${demo}/ready`);
  }
  if (seen.length)
    console.log(`  /ready after restart was not 200 at first: ${seen[0]} (${seen.length} answers)`);
  assert.is(ready.status, 200, `/ready after restart: ${ready.body}`);
  assert.ok((await topicCount()) >= before + N, `the topic holds the ${N} acknowledged messages`);

  const state = JSON.parse(await fsp.readFile(path.join(dir, 'state.json'), 'utf8')) as {
    restarts?: Record<string, { count: number; ok: boolean; component: string }>;
  };
  assert.is(state.restarts?.['demo-service']?.count, 1);
  assert.ok(state.restarts?.['demo-service']?.ok);
  assert.not.ok(state.restarts?.kafka, 'Kafka was not restarted');

  type Row = {
    name: string;
    state?: string;
    detail?: string;
    pid?: number;
    uptimeMs?: number;
    restarts?: number;
  };
  const demoRow = () =>
    cli('status', '--json')
      .out.split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; processes?: Row[] })
      .find((e) => e.type === 'status')?.processes;
  // status bounds each component's answer (ROW_TIMEOUT_MS) and shows a late one as "no answer
  // within"; on a loaded machine (a clean clone's .ci/run, load average 25) the demo's probe was
  // that late once. That is status working as designed, so such an answer is asked again.
  let rows = demoRow();
  for (let i = 0; i < 2 && !rows?.some((p) => p.name === 'demo-service' && p.pid !== undefined); i++) {
    console.log(
      `  status had no demo-service row yet: ${JSON.stringify(rows?.filter((p) => p.state === 'unhealthy'))}`,
    );
    rows = demoRow();
  }
  const row = rows?.find((p) => p.name === 'demo-service');
  assert.is(row?.pid, demoAfter, 'status shows the new pid');
  assert.is(row?.restarts, 1, 'status counts the restart');
  assert.ok((row?.uptimeMs ?? Infinity) < 120_000, `status shows the new uptime (${row?.uptimeMs} ms)`);
});

test('logs redacts secrets: a secret setting written into a log file is shown as ***', async () => {
  const canary = 'logs-canary-Secret-9b1f2e';
  await fsp.appendFile(
    path.join(dir, 'logs', 'demo-service.log'),
    JSON.stringify({ timestamp: new Date().toISOString(), message: `leaked ${canary} here` }) + '\n',
  );
  const saved = env.GRAFANA_ADMIN_PASSWORD;
  env.GRAFANA_ADMIN_PASSWORD = canary;
  try {
    for (const args of [
      ['logs', 'demo-service', '-n', '5'],
      ['logs', 'demo-service', '-n', '5', '--json'],
    ]) {
      const r = cli(...args);
      assert.is(r.code, 0, r.err);
      assert.not.ok(r.out.includes(canary), `${args.join(' ')}: the secret is not printed`);
      assert.ok(r.out.includes('leaked *** here'), `${args.join(' ')}: redacted in place`);
    }
  } finally {
    if (saved === undefined) delete env.GRAFANA_ADMIN_PASSWORD;
    else env.GRAFANA_ADMIN_PASSWORD = saved;
  }
});

test('bad input: unknown component, --since abc, a component of another target: one line, exit 2', () => {
  for (const [args, text] of [
    [['logs', 'no-such'], /unknown component 'no-such'; the native target has: event-bus \(kafka\)/],
    [['logs', '--since', 'abc'], /--since 'abc' is neither a duration/],
    [['restart', 'compose-stack'], /'compose-stack' is part of the compose target, not native/],
    [['restart', 'redpanda'], /'redpanda' is part of the k3d and compose targets, not native/],
    [['restart'], /name at least one component/],
  ] as const) {
    const r = cli(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    const errLines = r.err.trim().split('\n');
    assert.is(errLines.length, 1, `${args.join(' ')}: one line: ${r.err}`);
    assert.match(errLines[0]!, text);
  }
});

test.run();
