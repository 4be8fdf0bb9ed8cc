// `restart console` on native restarts the console alone: it is one process of the metrics
// component (seed task 0-4, whose Grafana it stands in for), but nothing needs it, so neither
// Prometheus and its exporters nor the components whose nodes need 0-4 (logs, traces, demo) are
// touched. Before, the word took its whole component and those followers along. The console is
// started by the native target's own component in a temp PLATFORM_DIR on free ports, and the
// real CLI restarts it; every other port is a free one nothing listens on, so a restart of the
// whole component would have to start Prometheus there (and this test would see its pid file).
import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';
import { freePort } from '../../tasks/ports.ts';
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import { readPid } from '../../tasks/targets/native/supervisor.ts';
import { PORT_KEYS as OBS_PORT_KEYS } from '../../tasks/targets/native/observability-ports.ts';

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

interface Ev {
  type: string;
  [k: string]: unknown;
}

function cli(env: Record<string, string>, ...args: string[]): { code: number; events: Ev[]; out: string } {
  const r = spawnSync(process.execPath, ['tasks.ts', ...args, '--target', 'native'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Ev);
  return { code: r.status ?? -1, events, out: `${r.stdout}${r.stderr}` };
}

test('restart console: the console alone gets a new pid and answers; Prometheus and the followers stay as they were', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'console-restart-'));
  const ports = new Set<number>();
  while (ports.size < PORT_KEYS.length) ports.add(await freePort());
  const env: Record<string, string> = { PLATFORM_DIR: dir, PLATFORM_CACHE: resolvePaths().cache };
  [...ports].forEach((p, i) => (env[PORT_KEYS[i]!] = String(p)));
  const paths = resolvePaths({ ...process.env, ...env });
  const ctx: PlatformContext = {
    signal: AbortSignal.timeout(180_000),
    log: () => undefined,
    logFile: path.join(paths.logs, 'test.log'),
    target: nativeTarget(env),
    paths,
    env,
  };
  const metrics = ctx.target.components.metrics!;
  const { consoleComponent } = await import('../../tasks/targets/native/console.ts');
  const consoleC = consoleComponent();
  try {
    await consoleC.up(ctx);
    const before = (await readPid(paths, 'console'))!.pid;

    const plan = cli(env, 'restart', 'console', '--dry-run', '--json');
    assert.is(plan.code, 0, plan.out);
    const p = plan.events.find((e) => e.type === 'restart-plan')!;
    assert.equal([p.components, p.followers], [['metrics'], []], 'the plan: the console alone, no followers');

    const r = cli(env, 'restart', 'console', '--json');
    assert.is(r.code, 0, r.out);
    const restarted = r.events.filter((e) => e.type === 'restart');
    assert.equal(
      restarted.map((e) => [e.name, e.ok, e.pidBefore]),
      [['console', true, before]],
      'only the console restarted',
    );
    const after = (await readPid(paths, 'console'))!.pid;
    assert.is.not(after, before, 'a new console process');
    assert.is(restarted[0]!.pidAfter, after);
    const health = await fetch(`http://127.0.0.1:${env.GRAFANA_PORT}/api/health`);
    assert.is(health.status, 200, 'the new console answers');
    for (const name of ['prometheus', 'node-exporter', 'kafka-lag-exporter', 'jaeger', 'demo-service'])
      assert.is(await readPid(paths, name), undefined, `${name} was not started by the restart`);
    const state = JSON.parse(await fsp.readFile(path.join(dir, 'state.json'), 'utf8')) as {
      restarts?: Record<string, unknown>;
    };
    assert.ok(JSON.stringify(state).includes('console'), 'the state file records the restart');
    const status = cli(env, 'status', '--json');
    const row = JSON.stringify(status.events).includes(`"pid":${after}`);
    assert.ok(row, 'status shows the new pid');
  } finally {
    await metrics.down?.(ctx).catch(() => undefined);
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test.run();
