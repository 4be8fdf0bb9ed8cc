// `status` against real processes started by the real supervisor (a Node HTTP server as the
// supervised process): a process killed with SIGKILL is reported stopped, not running from its
// stale pid file; a component whose probe never answers (a real socket that accepts and stays
// silent) is shown unhealthy after the bound while the others are still reported.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../tasks/cli/main.ts';
import { rowsWithin } from '../../tasks/cli/commands/status.ts';
import type { PlatformContext } from '../../tasks/context.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import type { Component, ProcessRow } from '../../tasks/targets/target.ts';
import { isAlive, readPid, start, stop } from '../../tasks/targets/native/supervisor.ts';
import { fixtureTarget } from '../fixtures/engine/target.ts';
import { tempDir } from '../fixtures/engine/nodes.ts';
import { freePort } from '../../tasks/ports.ts';

/** HTTP GET with a short bound: true on 200. */
async function answers(port: number): Promise<boolean> {
  const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) }).catch(
    () => undefined,
  );
  return r?.status === 200;
}

/** A component over one supervised process, shaped like the native ones (pid file, then probe). */
function httpComponent(name: string, port: number): Component<PlatformContext> {
  return {
    status: async (ctx) => (await readPid(ctx.paths, name)) !== undefined && answers(port),
    up: async (ctx) => {
      await start(
        {
          name,
          command: process.execPath,
          args: [
            '-e',
            `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`,
          ],
          port,
          ready: () => answers(port),
          readyTimeoutMs: 20_000,
        },
        ctx.paths,
        ctx.signal,
      );
    },
    down: async (ctx) => void (await stop(name, ctx.paths, { port, graceMs: 2_000 })),
    rows: async (ctx): Promise<ProcessRow[]> => {
      const rec = await readPid(ctx.paths, name);
      if (!rec) return [{ name, state: 'stopped', port }];
      return [{ name, state: (await answers(port)) ? 'running' : 'unhealthy', pid: rec.pid, port }];
    },
  };
}

async function status(target: ReturnType<typeof fixtureTarget>) {
  let out = '';
  let err = '';
  const code = await main(['status', '--json'], {
    signals: false,
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    runtime: {
      tasks: async () => [],
      chooseTarget: async () => ({ target, why: 'test' }),
      loadEnv: async () => ({}),
    },
  });
  const ev = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; processes?: ProcessRow[] })
    .find((e) => e.type === 'status');
  assert.is(code, 0, err);
  return ev!.processes!;
}

test('a process killed with SIGKILL is reported stopped, its live neighbour running', async () => {
  const saved = process.env.PLATFORM_DIR;
  process.env.PLATFORM_DIR = tempDir('cli-status-');
  const paths = resolvePaths();
  const target = fixtureTarget();
  const [pa, pb] = [await freePort(), await freePort()];
  target.components = { 'event-bus': httpComponent('victim', pa), demo: httpComponent('neighbour', pb) };
  const ctx = {
    signal: new AbortController().signal,
    log: () => {},
    logFile: path.join(paths.platform, 't.log'),
    target,
    paths,
    env: {},
  } as PlatformContext;
  try {
    await target.components['event-bus']!.up(ctx);
    await target.components.demo!.up(ctx);
    let rows = await status(target);
    assert.equal(
      rows.map((r) => [r.name, r.state]),
      [
        ['victim', 'running'],
        ['neighbour', 'running'],
      ],
    );
    const victim = rows[0]!.pid!;
    process.kill(victim, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(victim); i++) await sleep(100);
    assert.ok(fs.existsSync(path.join(paths.run, 'victim.pid')), 'the pid file is still there after kill -9');
    rows = await status(target);
    assert.equal(
      rows.map((r) => [r.name, r.state]),
      [
        ['victim', 'stopped'],
        ['neighbour', 'running'],
      ],
    );
  } finally {
    await target.components.demo!.down!(ctx).catch(() => undefined);
    await target.components['event-bus']!.down!(ctx).catch(() => undefined);
    process.env.PLATFORM_DIR = saved;
  }
});

test('a component that never answers is shown unhealthy after the bound; the others still report', async () => {
  // A real socket that accepts connections and never answers them.
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as net.AddressInfo).port;
  const hung: Component<PlatformContext> = {
    status: async () => false,
    up: async () => {},
    rows: async () => {
      await fetch(`http://127.0.0.1:${port}/`); // no timeout of its own: only the bound ends it
      return [{ name: 'hung', state: 'running' }];
    },
  };
  const ok: Component<PlatformContext> = {
    status: async () => true,
    up: async () => {},
    rows: async () => [{ name: 'fine', state: 'running' }],
  };
  const ctx = {} as PlatformContext;
  try {
    const [h, f] = await Promise.all([
      rowsWithin('traces', hung, ctx, 500),
      rowsWithin('demo', ok, ctx, 500),
    ]);
    assert.equal(h, [{ name: 'traces', state: 'unhealthy', detail: 'no answer within 500 ms' }]);
    assert.equal(f, [{ name: 'fine', state: 'running' }]);
    const failing: Component<PlatformContext> = {
      ...ok,
      rows: async () => Promise.reject(new Error('boom\nmore')),
    };
    assert.equal(await rowsWithin('logs', failing, ctx, 500), [
      { name: 'logs', state: 'unhealthy', detail: 'rows failed: boom' },
    ]);
  } finally {
    sockets.forEach((s) => s.destroy());
    silent.close();
  }
});

test.run();
