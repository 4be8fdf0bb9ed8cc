// The native target's logs and traces on the real backends (built by dev-setup into the tools
// cache): VictoriaLogs + the OpenTelemetry Collector (0-5) and Jaeger v2 (0-6) as supervised
// processes in a temp PLATFORM_DIR on free ports. The 0-5/0-6 verify steps run against them; the
// collector catches up after the store was down; a backend that cannot start says so in one line
// and leaves the others running.
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import { UsageError, type Check } from '../../tasks/engine/task.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import { logs } from '../../tasks/phase0/05-logs/index.ts';
import { traces } from '../../tasks/phase0/06-traces/index.ts';
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import { canBind, freePort } from '../../tasks/ports.ts';
import { isAlive, readPid, stop } from '../../tasks/targets/native/supervisor.ts';
import { PORT_KEYS } from '../../tasks/targets/native/observability-ports.ts';
import { requireBackend } from '../../tasks/targets/native/go-backends.ts';
import { collectorConfig, jaegerConfig } from '../../tasks/targets/native/observability.ts';
import { logsql } from '../../validation/lib/logsql.ts';
import { poll } from '../../validation/lib/http.ts';

const byId = (checks: Check[]) => new Map(checks.map((c) => [c.id, c]));

/** A context on a temp PLATFORM_DIR with every observability port free; process.env set alike. */
async function setup() {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'obs-native-'));
  const env: Record<string, string> = { PLATFORM_DIR: dir };
  for (const [key] of Object.values(PORT_KEYS)) env[key] = String(await freePort());
  // No demo service or broker in this test (a developer's own stack must not answer instead).
  for (const key of ['DEMO_PORT', 'KAFKA_PORT']) env[key] = String(await freePort());
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const paths = resolvePaths();
  const ctx: PlatformContext = {
    signal: new AbortController().signal,
    log: () => undefined,
    logFile: path.join(paths.logs, 'test.log'),
    target: nativeTarget(env),
    paths,
    env,
  };
  const cleanup = async () => {
    await ctx.target.components.traces!.down!(ctx).catch(() => undefined);
    await ctx.target.components.logs!.down!(ctx).catch(() => undefined);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await fsp.rm(dir, { recursive: true, force: true });
  };
  return { ctx, env, paths, cleanup };
}

const vlUrl = (env: Record<string, string>) => `http://127.0.0.1:${env.VICTORIALOGS_PORT}`;

test('the backends are built (dev-setup) and pinned as manifests/versions.yaml says', async () => {
  const paths = resolvePaths();
  for (const name of ['jaeger', 'victoria-logs', 'otelcol'] as const) {
    const b = await requireBackend(name, paths).catch((e: Error) => e);
    assert.ok(!(b instanceof Error), b instanceof Error ? b.message : '');
  }
});

test("the committed configs pass the real binaries' own `validate`", async () => {
  const { execa } = await import('execa');
  const paths = resolvePaths();
  const env: Record<string, string> = {
    JAEGER_DATA_DIR: os.tmpdir(),
    COLLECTOR_DATA_DIR: os.tmpdir(),
    PLATFORM_LOGS_DIR: os.tmpdir(),
  };
  for (const [key, def] of Object.values(PORT_KEYS)) env[key] = String(def);
  for (const [name, config] of [
    ['jaeger', jaegerConfig(paths)],
    ['otelcol', collectorConfig(paths)],
  ] as const) {
    const b = await requireBackend(name, paths);
    const r = await execa(b.binary, ['validate', `--config=${config}`], { env, reject: false, all: true });
    assert.is(r.exitCode, 0, `${name} validate: ${r.all}`);
  }
});

test('native: VictoriaLogs + collector and Jaeger up; 0-5/0-6 verify pass on them, naming the substitutes', async () => {
  const { ctx, env, paths, cleanup } = await setup();
  try {
    assert.is(await ctx.target.components.logs!.status(ctx), false, 'not running before up');
    await ctx.target.components.logs!.up(ctx);
    await ctx.target.components.traces!.up(ctx);
    assert.ok(await ctx.target.components.logs!.status(ctx), 'logs status after up');
    assert.ok(await ctx.target.components.traces!.status(ctx), 'traces status after up');

    const t = byId(await traces.verify!(ctx));
    for (const id of [
      '0-6.jaeger-ready',
      '0-6.jaeger-retention',
      '0-6.trace-received',
      '0-6.sdk-exports',
      '0-6.trace-structure',
      '0-6.trace-log-correlation',
    ]) {
      const c = t.get(id);
      assert.is(c?.status, 'pass', `${id}: ${c?.reason ?? ''} ${c?.evidence ?? ''}`);
    }
    assert.match(t.get('0-6.jaeger-ready')?.title ?? '', /Jaeger \(for Tempo\)/);
    assert.equal(t.get('0-6.trace-log-correlation')?.substitute, { for: 'Loki', by: 'VictoriaLogs' });
    // 0-6.ac2 is about the SDK: its stand-in is the JavaScript SDK, not the trace store.
    assert.match(t.get('0-6.sdk-exports')?.substitute?.for ?? '', /OpenTelemetry Python SDK/);
    assert.equal(t.get('0-6.sdk-exports')?.criteria, ['0-6.ac2']);
    assert.match(
      t.get('0-6.tempo-ready')?.reason ?? '',
      /Tempo is AGPL-licensed.*natively Jaeger stores the traces/,
    );
    assert.match(t.get('0-6.grafana-tempo')?.reason ?? '', /Grafana is AGPL-licensed.*the platform console/);
    // No demo service here: its request-trace checks skip and say why.
    assert.is(t.get('0-6.demo-request-trace')?.status, 'skip');

    const l = byId(await logs.verify!(ctx));
    for (const id of ['0-5.vl-store', '0-5.vl-every-process', '0-5.vl-fields', '0-5.vl-retention']) {
      const c = l.get(id);
      assert.is(c?.status, 'pass', `${id}: ${c?.reason ?? ''} ${c?.evidence ?? ''}`);
    }
    // Latency is a measured figure (the report judges it), not a timed assertion here.
    assert.type(l.get('0-5.vl-query-latency')?.measured, 'number');
    assert.is(l.get('0-5.vl-every-process')?.measured, '3/3', 'jaeger, otelcol, victorialogs');
    assert.match(
      l.get('0-5.loki-ready')?.reason ?? '',
      /Loki is AGPL-licensed.*natively VictoriaLogs stores the logs/,
    );

    // The seed's fields are fields: the verify step's own lines, by service and level.
    const { rows } = await logsql(vlUrl(env), '{service="verify-gateway"} level:INFO');
    assert.ok(rows.length > 0, 'verify-gateway lines by service and level');
    assert.ok(
      rows.every((r) => /^[0-9a-f]{32}$/.test(r.trace_id ?? '')),
      'trace_id is a field',
    );

    // A second up is a no-op on the running processes.
    const pids = await Promise.all(['victorialogs', 'otelcol', 'jaeger'].map((n) => readPid(paths, n)));
    await ctx.target.components.logs!.up(ctx);
    await ctx.target.components.traces!.up(ctx);
    for (const [i, n] of ['victorialogs', 'otelcol', 'jaeger'].entries())
      assert.is((await readPid(paths, n))?.pid, pids[i]?.pid, `${n} not restarted`);
    const rows2 = [
      ...(await ctx.target.components.logs!.rows!(ctx)),
      ...(await ctx.target.components.traces!.rows!(ctx)),
    ];
    assert.equal(
      rows2.map((r) => r.state),
      ['running', 'running', 'running'],
    );
  } finally {
    await cleanup();
  }
  for (const [key] of Object.values(PORT_KEYS))
    assert.ok(await canBind(Number(env[key])), `${key} free after down`);
});

test('the collector catches up after the store was stopped: every line once', async () => {
  const { ctx, env, paths, cleanup } = await setup();
  try {
    await ctx.target.components.logs!.up(ctx);
    await stop('victorialogs', paths, { port: Number(env.VICTORIALOGS_PORT) });
    assert.ok(await ctx.target.components.logs!.status(ctx).then((s) => !s), 'store down');
    const run = `r${Date.now()}`;
    const n = 300;
    const lines = Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        timestamp: new Date().toISOString(),
        level: 'INFO',
        service: 'catchup',
        run,
        seq: i,
        message: `line ${i}`,
      }),
    );
    await fsp.appendFile(path.join(paths.logs, 'catchup.log'), lines.join('\n') + '\n');
    // The collector reads the file and keeps the batches in its persistent queue meanwhile.
    await new Promise((r) => setTimeout(r, 2_000));
    await ctx.target.components.logs!.up(ctx);
    const q = `{service="catchup"} run:${run} | stats count() n, count_uniq(seq) u`;
    const got = await poll(
      async () => {
        const r = (await logsql(vlUrl(env), q)).rows[0];
        return r && Number(r.n) >= n ? r : undefined;
      },
      60_000,
      500,
    );
    assert.equal(got, { n: String(n), u: String(n) }, 'all lines, no duplicate');
  } finally {
    await cleanup();
  }
});

test('a backend that cannot start: one line naming it and what to do; the others keep running', async () => {
  const { ctx, env, paths, cleanup } = await setup();
  const blocker = net.createServer();
  try {
    await ctx.target.components.traces!.up(ctx);
    const jaeger = await readPid(paths, 'jaeger');
    assert.ok(jaeger);

    // A busy port: found before anything starts.
    await new Promise<void>((r) => blocker.listen(Number(env.VICTORIALOGS_PORT), '127.0.0.1', r));
    const busy = await ctx.target.components.logs!.up(ctx).catch((e: Error) => e);
    assert.instance(busy, UsageError);
    assert.match(
      (busy as Error).message,
      /^victorialogs: port \d+ is already in use .*set VICTORIALOGS_PORT$/,
    );
    assert.not.match((busy as Error).message, /\n/);
    await new Promise((r) => blocker.close(r));

    // A damaged data directory (a file where the store's directory belongs).
    await fsp.mkdir(paths.data, { recursive: true });
    await fsp.writeFile(path.join(paths.data, 'victorialogs'), 'not a directory');
    const corrupt = await ctx.target.components.logs!.up(ctx).catch((e: Error) => e);
    assert.instance(corrupt, Error);
    const msg = (corrupt as Error).message;
    assert.not.match(msg, /\n/);
    assert.match(
      msg,
      /^victorialogs did not start \(victorialogs exited with code \d+ before it was ready\)/,
    );
    assert.match(msg, /move .*victorialogs aside or run `npx tsx tasks.ts clean`/);
    assert.is(await readPid(paths, 'victorialogs'), undefined, 'no half-started store left');

    assert.ok(isAlive(jaeger.pid), 'jaeger still running');
    assert.ok(await ctx.target.components.traces!.status(ctx), 'jaeger still ready');
  } finally {
    blocker.close();
    await cleanup();
  }
});

test.run();
