#!/usr/bin/env node
// STAND-IN for docker / k3d / kubectl / helm (no Docker engine runs on the CI machines).
// Invoked through the symlinks beside it. It records every call as one JSON line
// ({ tool, args }) in $STANDIN_LOG and answers like the real tool would for a cluster/stack in
// the state $STANDIN_STATE: `fresh` (nothing exists yet), `stopped` (the k3d cluster exists, its
// containers are stopped) or `up` (everything running and healthy).
// $STANDIN_UP_MS: `docker compose up` lasts that long and then records `(up finished)`.
// $STANDIN_COMPOSE_LOADER: `docker compose` loads the project with the real compose-go loader first.
// $STANDIN_FAIL: a substring; a call whose command line contains it exits 1 with an error.
// `kubectl port-forward` listens on its local ports until killed, like the real one.
// `docker compose logs` / `kubectl logs` (when up) print two lines stamped as --timestamps does,
// and with --follow one more every 200 ms until killed.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setInterval } from 'node:timers';

const tool = path.basename(process.argv[1]);
const args = process.argv.slice(2);
const line = [tool, ...args].join(' ');
const state = process.env.STANDIN_STATE ?? 'fresh';
const up = state === 'up';
if (process.env.STANDIN_LOG) appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ tool, args }) + '\n');

const out = (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');
const fail = (msg) => {
  process.stderr.write(msg + '\n');
  process.exit(1);
};
if (process.env.STANDIN_FAIL && line.includes(process.env.STANDIN_FAIL))
  fail(`stand-in ${tool}: failing as asked (${process.env.STANDIN_FAIL})`);
const has = (...words) => words.every((w) => args.includes(w));
const CLUSTER_NODES = ['k3d-example-app-server-0', 'k3d-example-app-agent-0', 'k3d-example-app-agent-1'];
const ONE_SHOTS = ['redpanda-init', 'tempo-init'];
const INFRA = [
  'redpanda',
  'redpanda-init',
  'kafka-exporter',
  'prometheus',
  'node-exporter',
  'grafana',
  'loki',
  'tempo-init',
  'tempo',
  'tempo-ready',
  'alloy',
];

/** Log lines of `name` as `--timestamps` prints them: an RFC 3339 stamp, then the line. */
function logs(name) {
  if (!up) return fail(`stand-in ${tool}: no such service or pod: ${name}`);
  const at = (ms) => new Date(ms).toISOString().replace('Z', '000000Z');
  const start = Date.parse('2026-12-04T18:00:00Z') + name.length * 1000;
  for (let k = 0; k < 2; k++) out(`${at(start + k * 10_000)} {"msg":"${name} line ${k}"}`);
  if (!args.includes('--follow')) return;
  let n = 0;
  setInterval(() => out(`${at(Date.now())} {"msg":"${name} followed ${n++}"}`), 200);
  process.on('SIGTERM', () => process.exit(0));
}

function docker() {
  if (args[0] === 'info')
    return process.env.STANDIN_NO_ENGINE ? fail('Cannot connect to the Docker daemon') : out('27.3.1');
  if (args[0] === 'compose') {
    if (has('version')) return out('2.31.0');
    // $STANDIN_COMPOSE_LOADER: load the project first with compose-go (the loader docker compose
    // is built on; scripts/compose-loader) from the same env files, files and environment, and
    // fail like docker compose does when it cannot (e.g. a required variable is not set).
    if (process.env.STANDIN_COMPOSE_LOADER) {
      const project = [];
      for (let i = 1; i < args.length - 1; i++) {
        if (args[i] === '--env-file' || args[i] === '--file') project.push(args[i], args[++i]);
      }
      const r = spawnSync(process.env.STANDIN_COMPOSE_LOADER, project, { encoding: 'utf8' });
      if (r.status !== 0) fail(r.stderr.trim() || `compose loader exit ${r.status}`);
    }
    if (args.includes('logs')) return logs(args.at(-1));
    const i = args.indexOf('ps');
    if (i >= 0) {
      if (!up) return;
      const after = args.slice(i + 1).filter((a) => !a.startsWith('--') && a !== 'json');
      const services = after.length
        ? after
        : [...INFRA, ...(args.includes('manifests/compose/docker-compose.yml') ? ['demo'] : [])];
      for (const s of services) {
        out(
          JSON.stringify(
            ONE_SHOTS.includes(s)
              ? { Service: s, State: 'exited', ExitCode: 0, Health: '', Status: 'Exited (0)' }
              : {
                  Service: s,
                  State: 'running',
                  Health: 'healthy',
                  ExitCode: 0,
                  Status: 'Up 2 minutes (healthy)',
                },
          ),
        );
      }
      return;
    }
    // $STANDIN_UP_MS: `up` takes that long and records its end, so tests can see overlaps.
    if (args.includes('up') && process.env.STANDIN_UP_MS) {
      setTimeout(() => {
        if (process.env.STANDIN_LOG)
          appendFileSync(process.env.STANDIN_LOG, JSON.stringify({ tool, args: ['(up finished)'] }) + '\n');
      }, Number(process.env.STANDIN_UP_MS));
    }
    return; // up / stop / down
  }
  if (args[0] === 'stats') {
    if (!up) return;
    return out(
      [
        'k3d-example-app-server-0\t812.5MiB / 23.4GiB',
        'k3d-example-app-agent-0\t1.25GiB / 23.4GiB',
        'k3d-example-app-agent-1\t640MiB / 23.4GiB',
        'k3d-example-app-serverlb\t12MiB / 23.4GiB',
        'other\t9GiB / 23.4GiB',
      ].join('\n'),
    );
  }
  if (args[0] === 'inspect')
    return up
      ? out(CLUSTER_NODES.map((n) => `/${n} unless-stopped`).join('\n'))
      : fail('Error: No such object');
  return; // build
}

function k3d() {
  if (has('cluster', 'list')) {
    if (state === 'fresh') return fail('FATA[0000] error starting: No nodes found for given cluster');
    const n = up ? 1 : 0;
    return out(
      JSON.stringify([
        { name: 'example-app', serversCount: 1, serversRunning: n, agentsCount: 2, agentsRunning: 2 * n },
      ]),
    );
  }
  if (has('node', 'list')) {
    return out(
      JSON.stringify(
        up
          ? CLUSTER_NODES.map((n) => ({
              name: n,
              role: n.includes('server') ? 'server' : 'agent',
              State: { Running: true, Status: 'running' },
            }))
          : [],
      ),
    );
  }
}

function kubectl() {
  const verb = args.find((a) =>
    ['get', 'apply', 'wait', 'delete', 'rollout', 'port-forward', 'scale', 'cluster-info', 'logs'].includes(
      a,
    ),
  );
  if (verb === 'logs') {
    const i = args.indexOf('logs');
    return logs(
      args[i + 1] === '--selector' ? args[i + 2].split(/[=(]/).pop().replace(')', '') : args[i + 1],
    );
  }
  if (verb === 'port-forward') {
    const locals = args.filter((a) => /^\d+:\d+$/.test(a)).map((a) => Number(a.split(':')[0]));
    for (const p of locals) net.createServer((s) => s.end()).listen(p, '127.0.0.1');
    process.on('SIGTERM', () => process.exit(0));
    return;
  }
  if (verb === 'get' || verb === 'cluster-info') {
    if (!up) return fail('The connection to the server 0.0.0.0:6443 was refused');
    if (has('nodes')) {
      return out(
        JSON.stringify({
          items: CLUSTER_NODES.map((n) => ({
            metadata: { name: n },
            status: { conditions: [{ type: 'Ready', status: 'True' }] },
          })),
        }),
      );
    }
    if (args.some((a) => a.startsWith('jsonpath='))) {
      const jp = args.find((a) => a.startsWith('jsonpath='));
      if (jp.includes('startTime')) return out(new Date(Date.now() - 60_000).toISOString());
      if (jp.includes('.ready}')) return out('true');
      return out('1');
    }
    return out(
      verb === 'cluster-info'
        ? 'Kubernetes control plane is running at https://0.0.0.0:6443'
        : 'namespace/infra\nnamespace/services',
    );
  }
}

function helm() {
  if (args.includes('status'))
    return up ? out(JSON.stringify({ info: { status: 'deployed' } })) : fail('Error: release: not found');
}

({ docker, k3d, kubectl, helm })[tool]?.();
