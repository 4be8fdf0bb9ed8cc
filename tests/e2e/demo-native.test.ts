// The whole native flow of seed task 0-13, for real: Kafka (KRaft on the JVM), Prometheus with the
// project's config, Jaeger, VictoriaLogs + the log collector and the demo service, each a supervised process in
// a temp PLATFORM_DIR on free ports (never the defaults). Then the 0-13 verify checks follow one
// POST /events through all of them. Every process is stopped in finally.
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import type { Check } from '../../tasks/engine/task.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import { serviceTemplate } from '../../tasks/phase0/10-service-template/index.ts';
import { e2eValidation } from '../../tasks/phase0/13-e2e-validation/index.ts';
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import { canBind } from '../../tasks/ports.ts';
import { freePortEnv } from '../support/free-ports.ts';
import type { ComponentId } from '../../tasks/targets/target.ts';
import { e2eChecks } from '../../tasks/phase0/13-e2e-validation/checks.ts';

const ORDER: ComponentId[] = ['event-bus', 'logs', 'traces', 'metrics', 'demo'];

test('native stack: POST /events → SSE, Prometheus, one trace, log lines with its trace_id; REQ figures measured; 0-10 verify on a generated service', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'e2e-native-'));
  // Every port setting on a free port: a list of its own here missed ALERTMANAGER_PORT, so this
  // stack's Alertmanager took 9093 and docker-standin, running beside it, found it busy.
  const portEnv = await freePortEnv();
  const ports = Object.values(portEnv).map(Number);
  const env: Record<string, string> = {
    ...portEnv,
    PLATFORM_DIR: dir,
    PLATFORM_CACHE: resolvePaths().cache,
    KAFKA_HEAP_MB: '384',
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const paths = resolvePaths();
  const lines: string[] = [];
  const ctx: PlatformContext = {
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    logFile: path.join(paths.logs, 'e2e-test.log'),
    target: nativeTarget(env),
    paths,
    env,
  };
  const started: ComponentId[] = [];
  try {
    for (const id of ORDER) {
      const c = ctx.target.components[id];
      assert.ok(c, `the native target provides ${id}`);
      await c.install?.(ctx);
      started.push(id);
      await c.up(ctx);
    }
    // 0-13 is done once its round trip is recorded (run sends it; the demo is already up).
    await e2eValidation.run!(ctx);
    assert.ok(await e2eValidation.status!(ctx), '0-13 status: the demo is up and ready');

    const checks = new Map((await e2eChecks(ctx, { bench: false })).map((c: Check) => [c.id, c]));
    const show = (id: string) =>
      `${id}: ${checks.get(id)?.status} ${checks.get(id)?.reason ?? ''} ${checks.get(id)?.evidence ?? ''}`;
    for (const id of [
      '0-13.demo-health',
      '0-13.demo-produce',
      '0-13.demo-sse',
      '0-13.demo-metrics-scraped',
      '0-13.demo-trace',
      '0-13.demo-logs-trace-id',
      '0-13.stack-memory',
      '0-13.stack-start',
    ]) {
      assert.is(
        checks.get(id)?.status,
        id === '0-13.stack-start' ? 'skip' : 'pass',
        `${show(id)}\n${lines.slice(-5).join('\n')}`,
      );
    }
    assert.is(checks.get('0-13.demo-trace')?.measured, 3, show('0-13.demo-trace'));
    const memMb = Number(checks.get('0-13.stack-memory')?.measured);
    assert.ok(memMb > 0 && memMb < 4096, show('0-13.stack-memory'));
    assert.match(checks.get('0-13.stack-memory')?.evidence ?? '', /demo-service \d+ MB/);
    assert.match(checks.get('0-13.stack-memory')?.evidence ?? '', /kafka \d+ MB/);
    // k3d-only and Docker-only figures are skips with their reason, never passes.
    assert.is(checks.get('0-13.cluster-start')?.status, 'skip');
    assert.match(checks.get('0-13.cluster-start')?.reason ?? '', /k3d only/);
    assert.match(checks.get('0-13.demo-trace-tempo')?.reason ?? '', /Tempo is AGPL-licensed/);
    assert.match(checks.get('0-13.demo-logs-loki')?.reason ?? '', /Loki is AGPL-licensed/);
    // 0-10 on the same stack: a freshly generated service runs against it.
    const tpl = await serviceTemplate.verify!(ctx);
    for (const c of tpl) assert.is(c.status, 'pass', `${c.id}: ${c.reason ?? ''} ${c.evidence ?? ''}`);
    assert.ok(tpl.length >= 12, `0-10 checks: ${tpl.map((c) => c.id).join(', ')}`);
    console.log(`  stack memory ${memMb} MB: ${checks.get('0-13.stack-memory')?.evidence}`);
    console.log(
      `  SSE ${checks.get('0-13.demo-sse')?.measured} ms after POST; Prometheus saw it after ${checks.get('0-13.demo-metrics-scraped')?.measured} s`,
    );
  } finally {
    for (const id of started.reverse())
      await ctx.target.components[id]
        ?.down?.(ctx)
        .catch((e: unknown) => console.error(`down ${id}: ${String(e)}`));
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await fsp.rm(dir, { recursive: true, force: true });
  }
  for (const p of ports) assert.ok(await canBind(p), `port ${p} free after down`);
});

test.run();
