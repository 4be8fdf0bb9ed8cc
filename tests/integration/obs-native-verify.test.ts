// The native target's logs/traces components and the 0-5/0-6 verify steps, end to end: the
// development trace sink runs as a supervised process (temp PLATFORM_DIR, free port), the verify
// step sends its two-service trace through the real exporter and finds it in the sink's files.
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import type { Check } from '../../tasks/engine/task.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import { logs } from '../../tasks/phase0/05-logs/index.ts';
import { traces } from '../../tasks/phase0/06-traces/index.ts';
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import { canBind, freePort } from '../../tasks/ports.ts';
import { readPid } from '../../tasks/targets/native/supervisor.ts';
import { TRACE_SINK } from '../../tasks/targets/native/trace-sink/component.ts';
import { traceSinkReady } from '../../tasks/targets/native/trace-sink/probe.ts';

const byId = (checks: Check[]) => new Map(checks.map((c) => [c.id, c]));

test('native: trace sink supervised, 0-5/0-6 verify find their own trace and log lines', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'obs-native-'));
  const port = await freePort();
  const saved = { PLATFORM_DIR: process.env.PLATFORM_DIR, OTLP_GRPC_PORT: process.env.OTLP_GRPC_PORT };
  process.env.PLATFORM_DIR = dir;
  process.env.OTLP_GRPC_PORT = String(port);
  const paths = resolvePaths();
  const lines: string[] = [];
  const ctx: PlatformContext = {
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    logFile: path.join(paths.logs, 'test.log'),
    target: nativeTarget(),
    paths,
    env: { OTLP_GRPC_PORT: String(port) },
  };
  const traceComponent = ctx.target.components.traces!;
  try {
    assert.is(await traceComponent.status(ctx), false, 'not running before up');
    await logs.run!(ctx);
    await traceComponent.up(ctx);
    assert.ok(await traceSinkReady(port), 'sink answers a real Export call');
    assert.ok(await traceComponent.status(ctx), 'status true after up');
    const rec = await readPid(paths, TRACE_SINK);
    assert.ok(rec, 'pid file written');

    const traceChecks = byId(await traces.verify!(ctx));
    for (const id of [
      '0-6.trace-received',
      '0-6.trace-structure',
      '0-6.trace-log-correlation',
      '0-6.retention',
    ]) {
      const c = traceChecks.get(id);
      assert.is(c?.status, 'pass', `${id}: ${c?.reason ?? ''} ${c?.evidence ?? ''}`);
    }
    assert.is(traceChecks.get('0-6.trace-structure')?.measured, 2, 'two services in one trace');
    assert.is(traceChecks.get('0-6.tempo-ready')?.status, 'skip');
    assert.match(
      traceChecks.get('0-6.tempo-ready')?.reason ?? '',
      /Tempo is not provided by the native target/,
    );
    assert.is(traceChecks.get('0-6.grafana-tempo')?.status, 'skip');
    assert.type(traceChecks.get('0-6.overhead')?.measured, 'number');

    const logChecks = byId(await logs.verify!(ctx));
    assert.is(logChecks.get('0-5.log-format')?.status, 'pass', logChecks.get('0-5.log-format')?.reason);
    for (const id of ['0-5.loki-ready', '0-5.loki-query', '0-5.loki-query-latency', '0-5.alloy-collecting']) {
      assert.is(logChecks.get(id)?.status, 'skip', id);
      assert.match(logChecks.get(id)?.reason ?? '', /Loki is not provided by the native target/);
    }
    assert.match(logChecks.get('0-5.grafana-loki')?.reason ?? '', /Grafana is not provided/);
    // The sink's own log is JSON lines, so the native log check passes for it.
    const native = logChecks.get('0-5.native-json-logs');
    assert.is(native?.status, 'pass', native?.reason);
    const sinkLog = await fsp.readFile(path.join(paths.logs, `${TRACE_SINK}.log`), 'utf8');
    const first = JSON.parse(sinkLog.split('\n')[0] ?? '') as Record<string, unknown>;
    assert.is(first.service, 'trace-sink');
    assert.is(first.level, 'INFO');

    // A second up is a no-op on the running process.
    await traceComponent.up(ctx);
    assert.is((await readPid(paths, TRACE_SINK))?.pid, rec.pid);
    const rows = await traceComponent.rows!(ctx);
    assert.is(rows[0]?.state, 'running');
    assert.ok((rows[0]?.dataBytes ?? 0) > 0, 'span files counted');
  } finally {
    await traceComponent.down!(ctx).catch(() => undefined);
    process.env.PLATFORM_DIR = saved.PLATFORM_DIR;
    process.env.OTLP_GRPC_PORT = saved.OTLP_GRPC_PORT;
    if (saved.PLATFORM_DIR === undefined) delete process.env.PLATFORM_DIR;
    if (saved.OTLP_GRPC_PORT === undefined) delete process.env.OTLP_GRPC_PORT;
    await fsp.rm(dir, { recursive: true, force: true });
  }
  assert.ok(await canBind(port), 'port free after down');
});

test.run();
