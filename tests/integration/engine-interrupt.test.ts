// Ctrl-C against the real CLI process with real child processes: the first SIGINT aborts every
// running node, their `sleep` children die (checked by pid), state is written, exit 130; a node
// that ignores its signal is ended by a second Ctrl-C, still 130.
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from '../fixtures/engine/nodes.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/engine/cli.ts');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const pidsIn = (file: string) =>
  fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];

/** Waits for a condition with a generous cap; the cap only bounds a hang, nothing is timed. */
async function until(what: string, cond: () => boolean, capMs = 60_000) {
  const end = Date.now() + capMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

function startCli(
  scenario: string,
  argv: string[],
  dir: string,
): ResultPromise<{ reject: false; all: true }> {
  return execa(process.execPath, ['--import', 'tsx', FIXTURE, scenario, ...argv], {
    reject: false,
    all: true,
    env: { PLATFORM_DIR: dir, PIDS_FILE: path.join(dir, 'pids'), CI: 'true' },
  });
}

test('Ctrl-C during a run with real children: no child survives, state written, exit 130', async () => {
  const dir = tempDir();
  const cli = startCli('sleepers', ['up', '--concurrency', '4'], dir);
  let pids: number[] = [];
  try {
    await until('three sleep children', () => (pids = pidsIn(path.join(dir, 'pids'))).length === 3);
    assert.ok(pids.every(alive), 'children are running before Ctrl-C');
    cli.kill('SIGINT');
    const r = await cli;
    assert.is(r.exitCode, 130, r.all);
    // The children were killed by their nodes' signals; give init a moment to reap them.
    await until('children gone', () => !pids.some(alive), 10_000).catch(() => undefined);
    assert.equal(pids.filter(alive), [], 'no sleep child left alive');
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as {
      nodes: Record<string, { state: string }>;
    };
    assert.equal(
      ['s1', 's2', 's3'].map((id) => state.nodes[id]?.state),
      ['interrupted', 'interrupted', 'interrupted'],
    );
    assert.is(state.nodes.s4?.state, 'skipped', 'the node that needed an interrupted one never started');
    assert.match(r.all ?? '', 'press Ctrl-C again to force');
  } finally {
    cli.kill('SIGKILL');
    for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
  }
});

test('a second Ctrl-C force-exits 130 when a node ignores its signal', async () => {
  const dir = tempDir();
  const cli = startCli('stubborn', ['up'], dir);
  try {
    await until('the stubborn node to start', () => pidsIn(path.join(dir, 'pids')).length === 1);
    let out = '';
    cli.all?.on('data', (d: Buffer) => (out += d.toString()));
    cli.kill('SIGINT');
    await until('the first Ctrl-C to be acknowledged', () => out.includes('press Ctrl-C again to force'));
    // The stubborn node holds the run open (the engine's abort grace); the second press ends it.
    cli.kill('SIGINT');
    const r = await cli;
    assert.is(r.exitCode, 130, r.all);
    assert.match(out + (r.all ?? ''), 'forced exit');
  } finally {
    cli.kill('SIGKILL');
  }
});

test.run();
