// `logs` and `restart` on the k3d and compose targets, run as `node tasks.ts …` against the
// RECORDING STAND-INS for docker and kubectl (tests/support/standin-bin: no Docker engine runs
// here). Proof is of the command lines only (rendered/static): the exact kubectl and docker
// compose calls, in order, equal to what --dry-run prints; the stand-ins' stamped lines merged in
// time order; `logs -f` ended by SIGINT with exit 130 and no kubectl left.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../../tasks/paths.ts';

const STANDIN_BIN = path.join(REPO_ROOT, 'tests/support/standin-bin');
const dir = mkdtempSync(path.join(os.tmpdir(), 'docker-logs-'));
const log = path.join(dir, 'calls.jsonl');

const env = () => ({
  ...process.env,
  PATH: `${STANDIN_BIN}:${path.dirname(process.execPath)}:${process.env.PATH}`,
  STANDIN_LOG: log,
  STANDIN_STATE: 'up',
  PLATFORM_DIR: path.join(dir, 'platform'),
});

function cli(...args: string[]) {
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['tasks.ts', ...args], {
    cwd: REPO_ROOT,
    env: env(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** The recorded calls of one tool, as command lines. */
const calls = (tool: string, verb: string) =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { tool: string; args: string[] })
    .filter((c) => c.tool === tool && c.args.includes(verb))
    .map((c) => [c.tool, ...c.args].join(' '));

/** The `[component] command` lines --dry-run printed, without the component. */
const planned = (out: string) =>
  out
    .split('\n')
    .filter((l) => /^ {2}\[[\w-]+\] /.test(l))
    .map((l) => l.replace(/^ {2}\[[\w-]+\] /, '').replaceAll("'", ''));

test('compose: restart demo runs docker compose restart then up --wait, exactly what --dry-run prints', () => {
  const dry = cli('restart', 'demo', '--target', 'compose', '--dry-run');
  assert.is(dry.code, 0, dry.err);
  const r = cli('restart', 'demo', '--target', 'compose');
  assert.is(r.code, 0, r.err + r.out);
  const ran = [...calls('docker', 'restart'), ...calls('docker', '--wait')];
  assert.equal(ran, planned(dry.out));
  assert.match(ran[0]!, /docker-compose\.yml restart demo$/);
  assert.match(ran[1]!, /up --detach --wait --wait-timeout 180 --no-deps demo$/);
  const state = JSON.parse(readFileSync(path.join(dir, 'platform', 'state.json'), 'utf8')) as {
    restarts: Record<string, { count: number }>;
  };
  assert.is(state.restarts.demo?.count, 1);
});

test('k3d: restart event-bus rolls redpanda; followers only when running (the stand-in has no port-forwards up)', () => {
  const dry = cli('restart', 'event-bus', '--target', 'k3d', '--dry-run');
  assert.is(dry.code, 0, dry.err);
  assert.match(
    dry.out,
    /then, because their nodes need it \(those running\): metrics \(kube-prometheus-stack\), logs \(loki, alloy\), traces \(tempo\), demo \(demo-service\)/,
  );
  const r = cli('restart', 'event-bus', '--target', 'k3d');
  assert.is(r.code, 0, r.err + r.out);
  assert.not.match(r.out, /then, because/);
  const ran = calls('kubectl', 'rollout').map((l) => l.replaceAll("'", ''));
  assert.equal(ran, planned(dry.out).slice(0, 2));
  assert.equal(ran, [
    'kubectl --context k3d-example-app --namespace infra rollout restart statefulset/redpanda',
    'kubectl --context k3d-example-app --namespace infra rollout status statefulset/redpanda --timeout=300s',
  ]);
});

test('compose: restart metrics restarts the running components whose nodes need it, in graph order, as --dry-run says', () => {
  const dry = cli('restart', 'metrics', '--target', 'compose', '--dry-run');
  const r = cli('restart', 'metrics', '--target', 'compose');
  assert.is(r.code, 0, r.err + r.out);
  assert.match(r.out, /then, because their nodes need it: logs \(loki, alloy\), traces \(tempo\), demo/);
  const ran = calls('docker', 'compose').filter((l) => / restart | --wait /.test(l));
  assert.equal(ran, planned(dry.out));
  assert.equal(
    ran.map((l) => l.split(' ').slice(-1)[0]),
    ['grafana', 'grafana', 'alloy', 'alloy', 'tempo', 'tempo', 'demo', 'demo'],
  );
  // --no-deps: prometheus' group alone.
  cli('restart', 'metrics', '--target', 'compose', '--no-deps');
  assert.is(calls('docker', 'compose').filter((l) => / restart /.test(l)).length, 1);
});

test('compose logs: every service, its stamped lines merged in time order, prefixed; the calls are the --dry-run lines', () => {
  const dry = cli('logs', '--target', 'compose', '--dry-run', '-n', '4');
  const r = cli('logs', '--target', 'compose', '-n', '4');
  assert.is(r.code, 0, r.err);
  const lines = r.out.split('\n').filter((l) => l.includes(' | '));
  assert.is(lines.length, 4, r.out);
  // The stand-in stamps a service's lines later the longer its name: the last four are the longest names' second lines.
  assert.ok(lines.every((l) => /line [01]"/.test(l)));
  const stamps = lines.map((l) => Date.parse(/ \| (\S+)/.exec(l)![1]!));
  assert.equal(
    stamps,
    [...stamps].sort((a, b) => a - b),
  );
  // Each source runs at once: the stand-in records them in whatever order they started.
  assert.equal(
    calls('docker', 'logs').sort(),
    dry.out
      .split('\n')
      .filter((l) => l.startsWith('['))
      .map((l) => l.replace(/^\[[\w-]+\] /, ''))
      .sort(),
  );
});

test('k3d logs -f demo-service: the tail, then followed lines; SIGINT → exit 130, no kubectl left', async () => {
  writeFileSync(log, '');
  const child = spawn(process.execPath, ['tasks.ts', 'logs', '-f', 'demo-service', '--target', 'k3d'], {
    cwd: REPO_ROOT,
    env: env(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    for (let i = 0; i < 100 && !out.includes('followed 1'); i++) await sleep(100);
    assert.match(out, /demo-service \| \S+ \{"msg":"deployment\/demo-service line 0"\}/);
    assert.match(out, /followed 1/);
    child.kill('SIGINT');
    assert.is(await Promise.race([exited, sleep(10_000).then(() => 'hung')]), 130);
    await sleep(300);
    let left = true;
    try {
      process.kill(-child.pid!, 0);
    } catch {
      left = false;
    }
    assert.not.ok(left, 'nothing of logs -f (kubectl included) is left');
    assert.match(calls('kubectl', 'logs')[0]!, /logs deployment\/demo-service .*--follow$/);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
