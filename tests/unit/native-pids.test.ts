// The native target's pids() (what bench/http-load.ts reads CPU time from, through the contract):
// the pid of each supervised process that runs, from the real supervisor's pid files; a process
// that died leaves no entry although its pid file is still there.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolvePaths } from '../../tasks/paths.ts';
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import { readPid, start, stop } from '../../tasks/targets/native/supervisor.ts';
import { tempDir } from '../fixtures/engine/nodes.ts';

test('pids(): running supervised processes by name; a killed one is left out', async () => {
  const paths = resolvePaths({ PLATFORM_DIR: tempDir('native-pids-') });
  const signal = new AbortController().signal;
  const spec = (name: string) => ({
    name,
    command: process.execPath,
    args: ['-e', 'setInterval(() => {}, 1000)'],
    ready: async () => true,
    readyTimeoutMs: 10_000,
  });
  await start(spec('alive'), paths, signal);
  await start(spec('victim'), paths, signal);
  try {
    const alive = (await readPid(paths, 'alive'))!.pid;
    const victim = (await readPid(paths, 'victim'))!.pid;
    const target = nativeTarget({});
    assert.equal(await target.pids!(paths), { alive, victim });
    process.kill(victim, 'SIGKILL');
    for (let i = 0; i < 50 && (await target.pids!(paths)).victim !== undefined; i++) await sleep(100);
    assert.equal(await target.pids!(paths), { alive });
  } finally {
    await stop('alive', paths, { graceMs: 2_000 });
    await stop('victim', paths, { graceMs: 500 });
  }
});

test.run();
