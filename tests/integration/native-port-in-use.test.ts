// A port another process holds gets the same one line from every native component, exit 2
// (UsageError): before anything starts, and also when our own earlier process is replaced and the
// port turns out held by someone else (Prometheus used to say "port 9090 still busy after stop").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../tasks/engine/task.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import { freePort } from '../../tasks/ports.ts';
import { readPid, start, stop, type ProcessSpec } from '../../tasks/targets/native/supervisor.ts';

const LINE = (name: string, port: number, key: string) =>
  new RegExp(`^${name}: port ${port} is already in use by pid ${process.pid} \\(.*node.*\\); stop that process or set ${key}$`);

async function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'port-in-use-'));
  const paths = resolvePaths({ ...process.env, PLATFORM_DIR: dir });
  const port = await freePort();
  const holder = net.createServer();
  const hold = () => new Promise<void>((r) => holder.listen(port, '127.0.0.1', r));
  const cleanup = () => {
    holder.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { paths, port, hold, cleanup };
}

const sleeper = (port: number, ready: () => boolean): ProcessSpec => ({
  name: 'sleeper',
  command: process.execPath,
  args: ['-e', 'setInterval(() => {}, 1e6)'],
  port,
  portHint: 'set SLEEPER_PORT',
  ready: async () => ready(),
  readyTimeoutMs: 10_000,
  stopGraceMs: 2_000,
});

test('a held port before start: one line naming the owner and the setting, nothing started', async () => {
  const s = await scratch();
  try {
    await s.hold();
    const e = await start(sleeper(s.port, () => true), s.paths, AbortSignal.timeout(20_000)).catch((x: Error) => x);
    assert.instance(e, UsageError);
    assert.match((e as Error).message, LINE('sleeper', s.port, 'SLEEPER_PORT'));
    assert.is(await readPid(s.paths, 'sleeper'), undefined);
  } finally {
    s.cleanup();
  }
});

test('our process replaced, the port held by another: the same one line, not "still busy after stop"', async () => {
  const s = await scratch();
  let answering = true;
  try {
    const first = await start(sleeper(s.port, () => answering), s.paths, AbortSignal.timeout(20_000));
    assert.ok(first.pid > 0);
    // Ours no longer answers; another process has taken its port meanwhile.
    answering = false;
    await s.hold();
    const e = await start(sleeper(s.port, () => answering), s.paths, AbortSignal.timeout(20_000)).catch((x: Error) => x);
    assert.instance(e, UsageError);
    assert.match((e as Error).message, LINE('sleeper', s.port, 'SLEEPER_PORT'));
    assert.is(await readPid(s.paths, 'sleeper'), undefined, 'ours was stopped, nothing new started');
  } finally {
    await stop('sleeper', s.paths).catch(() => undefined);
    s.cleanup();
  }
});

test.run();
