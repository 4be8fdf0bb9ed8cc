// The k3d and compose targets' commands, run against RECORDING STAND-INS for docker, k3d, kubectl
// and helm (tests/support/standin-bin; no Docker engine runs here). Asserts the exact commands
// and their order, that `up` runs what `plan` prints, idempotency when status says up, the
// one-line errors for a missing tool / a silent engine / a failing command, and the verify
// checks' arithmetic on what the tools report.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { PlatformContext } from '../../tasks/context.ts';
import { UsageError } from '../../tasks/engine/task.ts';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';
import { composeTarget, FULL_FILE, GROUPS, INFRA_FILE, parsePs } from '../../tasks/targets/compose/index.ts';
import { formatCmd } from '../../tasks/targets/docker/exec.ts';
import { startPortForward } from '../../tasks/targets/docker/port-forward.ts';
import { readTimings } from '../../tasks/targets/docker/timings.ts';
import { HELM_VERSION, installDockerTools, K3D_VERSION } from '../../tasks/targets/docker/tools.ts';
import { loadVersions } from '../../tasks/config/versions.ts';
import { ensureTool } from '../../tasks/config/render-tools.ts';
import {
  parseTopicsFile,
  renderTopicsFile,
  TOPICS_FILE,
} from '../../tasks/targets/docker/topics-manifest.ts';
import { CLUSTER, k3dPortForwards, k3dSteps, k3dTarget } from '../../tasks/targets/k3d/index.ts';
import { isListening, freePort } from '../../tasks/ports.ts';
import { freePortEnv } from '../support/free-ports.ts';
import { stop } from '../../tasks/targets/native/supervisor.ts';
import type { Component, Target } from '../../tasks/targets/target.ts';
import { SEED_TOPICS } from '../../tasks/topics.ts';
import { clusterChecks, clusterMemoryFromStats, parseMemUsage } from '../../tasks/targets/k3d/checks.ts';
import { composeChecks } from '../../tasks/targets/compose/checks.ts';

const STANDIN_BIN = path.join(REPO_ROOT, 'tests/support/standin-bin');
const NODE_DIR = path.dirname(process.execPath);
const saved = {
  PATH: process.env.PATH,
  STANDIN_LOG: process.env.STANDIN_LOG,
  STANDIN_STATE: process.env.STANDIN_STATE,
  STANDIN_FAIL: process.env.STANDIN_FAIL,
  STANDIN_NO_ENGINE: process.env.STANDIN_NO_ENGINE,
};

interface Fixture {
  dir: string;
  ctx: PlatformContext;
  calls: () => string[];
  lines: string[];
  cleanup: () => Promise<void>;
}

/** A temp PLATFORM_DIR, free ports for every port-forward, and only the stand-ins (plus node) on PATH. */
async function fixture(
  makeTarget: (settings: Record<string, string>) => Target<PlatformContext>,
  state: 'fresh' | 'stopped' | 'up',
  bin = STANDIN_BIN,
): Promise<Fixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docker-standin-'));
  const log = path.join(dir, 'calls.jsonl');
  Object.assign(process.env, {
    PATH: `${bin}${path.delimiter}${NODE_DIR}`,
    STANDIN_LOG: log,
    STANDIN_STATE: state,
  });
  delete process.env.STANDIN_FAIL;
  delete process.env.STANDIN_NO_ENGINE;
  // Every port setting free (port-forwards included: the e2e stack's Alertmanager held 9093 when
  // the two files ran side by side).
  const env: Record<string, string> = await freePortEnv();
  // Built at run time so no secret-looking literal sits in the repository.
  env.GRAFANA_ADMIN_PASSWORD = `standin-${process.pid}-${Date.now().toString(36)}`;
  const lines: string[] = [];
  const paths = resolvePaths({ PLATFORM_DIR: path.join(dir, 'platform') });
  const ctx: PlatformContext = {
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    logFile: path.join(dir, 'node.log'),
    target: makeTarget(env),
    paths,
    env,
  };
  return {
    dir,
    ctx,
    lines,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => {
              const c = JSON.parse(l) as { tool: string; args: string[] };
              return formatCmd([c.tool, ...c.args]);
            })
        : [],
    cleanup: async () => {
      for (const f of Object.values(k3dPortForwards(env)).flat())
        await stop(f.name, paths, { graceMs: 1_000 }).catch(() => undefined);
      Object.assign(process.env, saved);
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const comp = (t: Target<PlatformContext>, id: keyof Target['components']): Component<PlatformContext> => {
  const c = t.components[id];
  assert.ok(c, `component ${id}`);
  return c;
};
/** Calls that change something (not a query). */
const MUTATING =
  /^k3d (cluster (create|start|stop|delete)|image import)|^kubectl .* (apply|delete|scale|port-forward) |^helm (repo|.* upgrade )|^docker (build|compose .* (up|down|stop)( |$))/;

test('stand-in tools: k3d cluster on a fresh machine: create from the config, wait for 3 nodes Ready, apply namespaces, record the start time', async () => {
  const f = await fixture(k3dTarget, 'fresh');
  try {
    const c = comp(f.ctx.target, 'cluster');
    assert.is(await c.status(f.ctx), false);
    await c.up(f.ctx);
    assert.equal(f.calls(), [
      'k3d cluster list example-app --output json',
      "docker info --format '{{.ServerVersion}}'",
      'k3d cluster list example-app --output json',
      'k3d cluster create --config manifests/k3d/cluster.yaml',
      'kubectl --context k3d-example-app wait --for=condition=Ready nodes --all --timeout=120s',
      'kubectl --context k3d-example-app apply -k manifests/k8s/namespaces',
    ]);
    const t = (await readTimings(f.ctx.paths))['k3d-cluster-create'];
    assert.ok(
      t && t.ms >= 0 && t.command.startsWith('K3D_FIX_MOUNTS=1 k3d cluster create'),
      'start time recorded',
    );
  } finally {
    await f.cleanup();
  }
});

test('stand-in tools: an existing stopped cluster is started, never recreated (its data survives)', async () => {
  const f = await fixture(k3dTarget, 'stopped');
  try {
    const c = comp(f.ctx.target, 'cluster');
    assert.is(await c.status(f.ctx), false);
    await c.up(f.ctx);
    const mutating = f.calls().filter((l) => MUTATING.test(l));
    assert.equal(mutating, [
      'k3d cluster start example-app',
      'kubectl --context k3d-example-app apply -k manifests/k8s/namespaces',
    ]);
    assert.ok((await readTimings(f.ctx.paths))['k3d-cluster-start'], 'restart time recorded');
  } finally {
    await f.cleanup();
  }
});

test('stand-in tools: idempotent: when every k3d component reports up, status is true and only queries ran', async () => {
  const f = await fixture(k3dTarget, 'up');
  try {
    // Port-forwards are host processes: up means they run too. Start them as `up` would.
    for (const id of ['metrics', 'logs', 'traces', 'demo'] as const) {
      for (const pf of k3dSteps(f.ctx.env)[id].forwards) await startPortForward(f.ctx, 'k3d-example-app', pf);
    }
    const before = f.calls().length;
    for (const id of ['cluster', 'event-bus', 'metrics', 'logs', 'traces', 'demo'] as const) {
      assert.is(await comp(f.ctx.target, id).status(f.ctx), true, `${id} reports up`);
    }
    const statusCalls = f.calls().slice(before);
    assert.ok(statusCalls.length >= 6, 'status asked the tools');
    assert.equal(
      statusCalls.filter((l) => MUTATING.test(l)),
      [],
      'status changes nothing',
    );
  } finally {
    await f.cleanup();
  }
});

test('plan --target k3d: every helm upgrade --install pins the chart version from manifests/versions.yaml', async () => {
  const v = loadVersions();
  const installs = (
    await Promise.all(
      (['metrics', 'logs', 'traces'] as const).map((id) =>
        comp(k3dTarget({}), id).plan!({ env: {} } as unknown as PlatformContext),
      ),
    )
  )
    .flat()
    .filter((l) => l.includes(' upgrade --install '));
  assert.is(installs.length, Object.keys(v.charts).length, 'one install per chart');
  for (const c of Object.values(v.charts)) {
    const line = installs.find((l) => l.includes(` upgrade --install ${c.release} `));
    assert.ok(line, `${c.release} is installed`);
    assert.match(line, ` ${c.repo}/`);
    assert.match(line, ` --version ${c.version} `);
    assert.match(line, ` --values ${c.values} `);
  }
});

test('stand-in tools: every k3d component runs exactly the commands its plan prints, in order; port-forwards answer on their ports', async () => {
  const f = await fixture(k3dTarget, 'fresh');
  try {
    for (const id of ['event-bus', 'metrics', 'logs', 'traces', 'demo'] as const) {
      const c = comp(f.ctx.target, id);
      const steps = k3dSteps(f.ctx.env)[id];
      const missing = steps.files.find((file) => !existsSync(path.join(REPO_ROOT, file)));
      const start = f.calls().length;
      if (missing) {
        // Another part of the system has not added this file yet: the error names it.
        await c.up(f.ctx).then(
          () => assert.unreachable(`${id} ran without ${missing}`),
          (e: Error) => {
            assert.instance(e, UsageError);
            assert.match(e.message, missing);
          },
        );
        assert.equal(f.calls().slice(start), [], `${id}: nothing ran without ${missing}`);
        continue;
      }
      await c.up(f.ctx);
      const ran = f.calls().slice(start);
      const planned = (await c.plan!(f.ctx)).map((l) => l.replace(/ {2}\((detached|stdin).*$/, ''));
      assert.equal(ran, planned, `${id}: up ran what plan prints`);
      const password = f.ctx.env.GRAFANA_ADMIN_PASSWORD!;
      assert.not.ok(
        [...ran, ...f.lines].some((l) => l.includes(password)),
        `${id}: the Grafana password is in no argv or log line`,
      );
      for (const pf of steps.forwards)
        for (const [local] of pf.ports) assert.ok(await isListening(local), `${pf.name} listens on ${local}`);
      await c.down!(f.ctx);
      for (const pf of steps.forwards)
        for (const [local] of pf.ports) assert.not.ok(await isListening(local), `${pf.name} stopped`);
    }
  } finally {
    await f.cleanup();
  }
});

test('stand-in tools: a missing tool is a one-line UsageError naming it and how to get it; nothing runs', async () => {
  const partial = mkdtempSync(path.join(os.tmpdir(), 'standin-partial-'));
  for (const t of ['docker', 'kubectl'])
    symlinkSync(path.join(STANDIN_BIN, 'standin.mjs'), path.join(partial, t));
  const f = await fixture(k3dTarget, 'fresh', partial);
  try {
    const err = await comp(f.ctx.target, 'cluster')
      .up(f.ctx)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    assert.instance(err, UsageError);
    assert.match(
      err!.message,
      /^k3d not found on PATH \(needed by the k3d target\): .*go install github\.com\/k3d-io\/k3d\/v5@v5\.9\.0/,
    );
    assert.not.match(err!.message, /\n/);
    const helmErr = await comp(f.ctx.target, 'traces')
      .up(f.ctx)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    assert.instance(helmErr, UsageError);
    assert.match(helmErr!.message, /^helm not found on PATH/);
    assert.equal(
      f.calls().filter((l) => MUTATING.test(l)),
      [],
    );
  } finally {
    await f.cleanup();
    rmSync(partial, { recursive: true, force: true });
  }
});

test('stand-in tools: no Docker engine answering is a UsageError before anything is created', async () => {
  const f = await fixture(k3dTarget, 'fresh');
  try {
    process.env.STANDIN_NO_ENGINE = '1';
    const err = await comp(f.ctx.target, 'cluster')
      .up(f.ctx)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    assert.instance(err, UsageError);
    assert.match(err!.message, /Docker engine does not answer/);
    assert.equal(
      f.calls().filter((l) => MUTATING.test(l)),
      [],
    );
  } finally {
    await f.cleanup();
  }
});

test('stand-in tools: a failing command stops the component with the command, exit code and its output', async () => {
  const f = await fixture(k3dTarget, 'fresh');
  try {
    process.env.STANDIN_FAIL = 'cluster create';
    const err = await comp(f.ctx.target, 'cluster')
      .up(f.ctx)
      .then(
        () => undefined,
        (e: Error) => e,
      );
    assert.ok(err);
    assert.match(
      err.message,
      '`K3D_FIX_MOUNTS=1 k3d cluster create --config manifests/k3d/cluster.yaml` failed (exit 1): stand-in k3d: failing as asked',
    );
    assert.not.ok(
      f.calls().some((l) => l.includes('kubectl')),
      'stopped at the failure',
    );
    assert.is(
      (await readTimings(f.ctx.paths))['k3d-cluster-create'],
      undefined,
      'no start time for a failed create',
    );
  } finally {
    await f.cleanup();
  }
});

test('stand-in tools: compose stack: up --wait on the infra file, then idempotent, down keeps volumes', async () => {
  const f = await fixture(composeTarget, 'fresh');
  try {
    const c = comp(f.ctx.target, 'compose-stack');
    assert.is(await c.status(f.ctx), false);
    await c.up(f.ctx);
    const base =
      'docker compose --env-file manifests/compose/.env.docker --file manifests/compose/docker-compose.infra.yml';
    assert.equal(f.calls(), [
      `${base} ps --all --format json`,
      'docker compose version --short',
      "docker info --format '{{.ServerVersion}}'",
      `${base} up --detach --wait --wait-timeout 180`,
    ]);
    assert.equal(await c.plan!(f.ctx), [`${base} up --detach --wait --wait-timeout 180`]);
    assert.ok((await readTimings(f.ctx.paths))['compose-up'], 'startup time recorded');

    process.env.STANDIN_STATE = 'up';
    const n = f.calls().length;
    assert.is(await c.status(f.ctx), true);
    for (const id of ['event-bus', 'metrics', 'logs', 'traces', 'demo'] as const)
      assert.is(await comp(f.ctx.target, id).status(f.ctx), true, id);
    assert.equal(
      f
        .calls()
        .slice(n)
        .filter((l) => MUTATING.test(l)),
      [],
    );

    const m = f.calls().length;
    await c.down!(f.ctx);
    assert.equal(f.calls().slice(m), [
      'docker compose --env-file manifests/compose/.env.docker --file manifests/compose/docker-compose.yml down',
    ]);
    assert.equal(await comp(f.ctx.target, 'demo').plan!(f.ctx), [
      'docker compose --env-file manifests/compose/.env.docker --file manifests/compose/docker-compose.yml up --detach --wait --wait-timeout 180 --build demo',
    ]);
  } finally {
    await f.cleanup();
  }
});

test('compose status loads the project with the settings up uses, so it says up (and a second up skips) without GRAFANA_ADMIN_PASSWORD exported', async () => {
  const f = await fixture(composeTarget, 'up');
  // The stand-in docker compose loads the files with compose-go first, as docker compose does.
  const loader = await ensureTool(f.ctx.paths.cache, 'compose-loader', loadVersions());
  process.env.STANDIN_COMPOSE_LOADER = loader.path;
  const exported = process.env.GRAFANA_ADMIN_PASSWORD;
  delete process.env.GRAFANA_ADMIN_PASSWORD; // only in the settings (.env), as for most users
  try {
    assert.ok(f.ctx.env.GRAFANA_ADMIN_PASSWORD, 'the settings hold the password');
    for (const id of ['compose-stack', 'event-bus', 'metrics', 'logs', 'traces', 'demo'] as const)
      assert.is(await comp(f.ctx.target, id).status(f.ctx), true, `${id} is up`);
    // Without the settings compose-go refuses the files: the stand-in is not a rubber stamp.
    assert.is(await comp(f.ctx.target, 'traces').status({ ...f.ctx, env: {} }), false);
  } finally {
    delete process.env.STANDIN_COMPOSE_LOADER;
    if (exported !== undefined) process.env.GRAFANA_ADMIN_PASSWORD = exported;
    await f.cleanup();
  }
});

test('stand-in tools: concurrent compose components run their docker compose up one at a time', async () => {
  const f = await fixture(composeTarget, 'fresh');
  try {
    process.env.STANDIN_UP_MS = '1500';
    await Promise.all([
      comp(f.ctx.target, 'compose-stack').up(f.ctx),
      comp(f.ctx.target, 'event-bus').up(f.ctx),
    ]);
    const ups = f.calls().filter((l) => / up --detach/.test(l) || l.includes('(up finished)'));
    assert.is(ups.length, 4);
    assert.match(ups[0]!, / up --detach/);
    assert.match(ups[1]!, '(up finished)');
    assert.match(ups[2]!, / up --detach/);
    assert.match(ups[3]!, '(up finished)');
  } finally {
    delete process.env.STANDIN_UP_MS;
    await f.cleanup();
  }
});

test('compose groups name only services the compose files define', () => {
  const services = (f: string) =>
    Object.keys(
      (parse(readFileSync(path.join(REPO_ROOT, f), 'utf8')) as { services: Record<string, unknown> })
        .services,
    );
  const known = new Set([...services(INFRA_FILE), ...services(FULL_FILE)]);
  for (const [id, g] of Object.entries(GROUPS))
    for (const s of g.services) assert.ok(known.has(s), `${id}: ${s} is a compose service`);
});

test('docker compose ps output: NDJSON (Compose >= 2.21) and the older JSON array both parse', () => {
  const row = { Service: 'redpanda', State: 'running', Health: 'healthy' };
  assert.equal(
    parsePs(`${JSON.stringify(row)}\n${JSON.stringify({ ...row, Service: 'loki' })}\n`).map((r) => r.Service),
    ['redpanda', 'loki'],
  );
  assert.equal(
    parsePs(JSON.stringify([row])).map((r) => r.Service),
    ['redpanda'],
  );
  assert.equal(parsePs(''), []);
});

test('stand-in tools: cluster verify checks from what kubectl and docker stats report', async () => {
  const f = await fixture(k3dTarget, 'up');
  try {
    const checks = await clusterChecks(f.ctx);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    assert.is(byId['0-2.config']!.status, 'pass');
    assert.is(byId['0-2.kubectl']!.status, 'pass');
    assert.is(byId['0-2.nodes']!.measured, 3);
    assert.is(byId['0-2.namespaces']!.status, 'pass');
    // 812.5 MiB + 1.25 GiB + 640 MiB + 12 MiB (the load balancer counts; `other` does not).
    const want = (812.5 * 1024 ** 2 + 1.25 * 1024 ** 3 + 640 * 1024 ** 2 + 12 * 1024 ** 2) / 1024 ** 3;
    assert.is(byId['0-2.memory']!.measured, Math.round(want * 100) / 100);
    assert.is(byId['0-2.memory']!.requirement, 'REQ-0.1');
    assert.is(byId['0-2.memory']!.status, 'pass');
    assert.is(byId['0-2.restart-policy']!.status, 'pass');
    assert.is(byId['0-2.start-time']!.status, 'skip', 'no start recorded in this PLATFORM_DIR');
    assert.ok(byId['0-2.start-time']!.reason);
  } finally {
    await f.cleanup();
  }
});

test('cluster memory: docker stats units, the cluster filter, and the 4 GB bound failing', () => {
  assert.is(parseMemUsage('812.5MiB / 23.4GiB'), 812.5 * 1024 ** 2);
  assert.is(parseMemUsage('1.5GB / 8GB'), 1.5e9);
  assert.is(parseMemUsage('12kB / 1GiB'), 12e3);
  assert.is(parseMemUsage('-- / --'), undefined);
  const big = clusterMemoryFromStats(
    'k3d-example-app-server-0\t3GiB / 8GiB\nk3d-example-app-agent-0\t1.5GiB / 8GiB\nk3d-other-server-0\t9GiB / 8GiB',
  );
  assert.equal(big, { bytes: 4.5 * 1024 ** 3, containers: 2 });
});

test('compose verify: startup time, endpoints that are down fail with their URL, volumes, down is a skip with its reason', async () => {
  const f = await fixture(composeTarget, 'fresh');
  try {
    await comp(f.ctx.target, 'compose-stack').up(f.ctx);
    const port = await freePort();
    const ctx = {
      ...f.ctx,
      target: {
        ...f.ctx.target,
        endpoints: () => ({
          ...composeTarget(f.ctx.env).endpoints(),
          grafana: { url: `http://127.0.0.1:${port}` },
          kafka: { url: `127.0.0.1:${port}` },
          prometheus: { unavailable: 'test: no Prometheus' },
        }),
      },
    };
    const byId = Object.fromEntries((await composeChecks(ctx)).map((c) => [c.id, c]));
    assert.is(byId['0-7.startup']!.status, 'pass');
    assert.is(byId['0-7.startup']!.unit, 's');
    assert.is(byId['0-7.grafana']!.status, 'fail');
    assert.match(byId['0-7.grafana']!.reason!, String(port));
    assert.is(byId['0-7.kafka']!.status, 'fail');
    assert.is(byId['0-7.prometheus']!.status, 'skip');
    assert.is(byId['0-7.prometheus']!.reason, 'test: no Prometheus');
    assert.is(byId['0-7.volumes']!.status, 'pass');
    assert.is(byId['0-7.down']!.status, 'skip');
  } finally {
    await f.cleanup();
  }
});

test('installDockerTools: tools on PATH are reported present; without Go, a missing k3d/helm is skipped with how to get it', async () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'standin-empty-'));
  const savedPath = process.env.PATH;
  try {
    process.env.PATH = `${STANDIN_BIN}${path.delimiter}${NODE_DIR}`;
    const present = await installDockerTools();
    assert.equal(
      present.map((r) => `${r.tool}:${r.action}`),
      ['k3d:present', 'helm:present', 'docker:present', 'kubectl:present'],
    );
    mkdirSync(path.join(empty, 'bin'));
    process.env.PATH = path.join(empty, 'bin');
    const skipped = await installDockerTools();
    assert.equal(
      skipped.map((r) => `${r.tool}:${r.action}`),
      ['k3d:skipped', 'helm:skipped', 'docker:skipped', 'kubectl:skipped'],
    );
    assert.match(
      skipped[0]!.detail,
      /Go is not installed; .*go install github\.com\/k3d-io\/k3d\/v5@v5\.9\.0/,
    );
  } finally {
    process.env.PATH = savedPath;
    rmSync(empty, { recursive: true, force: true });
  }
});

test('installDockerTools with a STAND-IN go whose proxy refuses `go install`: builds the pinned k3d and Helm in a temporary module', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'standin-go-'));
  const savedPath = process.env.PATH;
  try {
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    for (const t of ['docker', 'kubectl'])
      symlinkSync(path.join(STANDIN_BIN, 'standin.mjs'), path.join(bin, t));
    const calls = path.join(dir, 'go-calls.txt');
    // Shell builtins only: PATH holds nothing else.
    writeFileSync(
      path.join(bin, 'go'),
      [
        '#!/bin/sh',
        // A current go, as requireGo asks before building; the calls below are the builds.
        'if [ "$1" = version ]; then echo "go version go1.26.8 linux/amd64"; exit 0; fi',
        `printf '%s\\n' "go $*" >> '${calls}'`,
        'case "$1" in',
        "  install) echo 'go: reading https://proxy.golang.org/.../@v/list: 403 Forbidden' >&2; exit 1 ;;",
        '  build) : > "$3" ;;',
        'esac',
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    process.env.PATH = `${bin}${path.delimiter}${NODE_DIR}`;
    const gobin = path.join(dir, 'gobin');
    mkdirSync(gobin);
    const lines: string[] = [];
    const results = await installDockerTools({ gobin, log: (l) => lines.push(l) });
    assert.equal(
      results.map((r) => `${r.tool}:${r.action}`),
      ['k3d:installed', 'helm:installed', 'docker:present', 'kubectl:present'],
    );
    assert.ok(existsSync(path.join(gobin, 'k3d')) && existsSync(path.join(gobin, 'helm')));
    assert.equal(readFileSync(calls, 'utf8').trim().split('\n'), [
      `go install github.com/k3d-io/k3d/v5@${K3D_VERSION}`,
      'go mod init build/k3d',
      `go get github.com/k3d-io/k3d/v5@${K3D_VERSION}`,
      `go build -o ${path.join(gobin, 'k3d')} github.com/k3d-io/k3d/v5`,
      `go install helm.sh/helm/v4/cmd/helm@${HELM_VERSION}`,
      'go mod init build/helm',
      `go get helm.sh/helm/v4/cmd/helm@${HELM_VERSION}`,
      `go build -o ${path.join(gobin, 'helm')} helm.sh/helm/v4/cmd/helm`,
    ]);
    assert.match(lines.join('\n'), '403 Forbidden');
  } finally {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stand-in tools: dev-setup install hooks: k3d checks/builds its tools and names a missing Docker; compose pulls the images', async () => {
  const f = await fixture(k3dTarget, 'fresh');
  try {
    await comp(f.ctx.target, 'cluster').install!(f.ctx);
    assert.ok(
      f.lines.some((l) => l.startsWith('k3d: present')),
      'k3d reported present',
    );
    const partial = mkdtempSync(path.join(os.tmpdir(), 'standin-partial-'));
    try {
      for (const t of ['k3d', 'helm', 'kubectl'])
        symlinkSync(path.join(STANDIN_BIN, 'standin.mjs'), path.join(partial, t));
      process.env.PATH = `${partial}${path.delimiter}${NODE_DIR}`;
      const err = await comp(f.ctx.target, 'cluster').install!(f.ctx).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.instance(err, UsageError);
      assert.match(err!.message, /^docker not found on PATH: install Docker Engine/);
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
    process.env.PATH = `${STANDIN_BIN}${path.delimiter}${NODE_DIR}`;
    const compose = composeTarget(f.ctx.env);
    const n = f.calls().length;
    await comp(compose, 'compose-stack').install!({ ...f.ctx, target: compose });
    assert.equal(f.calls().slice(n), [
      'docker compose version --short',
      "docker info --format '{{.ServerVersion}}'",
      'docker compose --env-file manifests/compose/.env.docker --file manifests/compose/docker-compose.infra.yml pull --quiet',
    ]);
  } finally {
    await f.cleanup();
  }
});

test('topics.txt (read by the k3d Job and compose redpanda-init) is generated from tasks/topics.ts', () => {
  const committed = readFileSync(TOPICS_FILE, 'utf8');
  assert.fixture(
    committed,
    renderTopicsFile(),
    'run `npx tsx tasks/targets/docker/topics-manifest.ts --write`',
  );
  assert.equal(
    parseTopicsFile(committed),
    SEED_TOPICS.map((t) => ({ ...t })),
  );
  assert.not.equal(
    parseTopicsFile(renderTopicsFile([{ name: 'x', partitions: 1, replicationFactor: 1 }])),
    SEED_TOPICS.map((t) => ({ ...t })),
  );
});

test('the cluster name in the k3d target is the one in manifests/k3d/cluster.yaml', () => {
  const cfg = parse(readFileSync(path.join(REPO_ROOT, 'manifests/k3d/cluster.yaml'), 'utf8')) as {
    metadata: { name: string };
  };
  assert.is(cfg.metadata.name, CLUSTER);
});

test.run();
