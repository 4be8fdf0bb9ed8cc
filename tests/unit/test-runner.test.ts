// tests/run.ts as CI runs it, in its own process over fixture suites: the verdict comes from
// uvu's own result (its exit code and the summary that ends the output), never from a summary
// quoted inside a failing test's message; files run in parallel workers with their output kept
// together; a stray .only/.skip, a missing folder or no file at all fails the run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = 'tests/fixtures/runner';

async function runner(file: string, dir = FIXTURES, more: Record<string, string> = {}) {
  const r = await execa(
    process.execPath,
    ['--import', 'tsx', 'tests/run.ts', dir, '--pattern', file.includes('|') ? file : `${file.replace(/\./g, '\\.')}$`],
    {
      cwd: ROOT,
      reject: false,
      all: true,
      // A scratch PLATFORM_DIR: the fixtures' durations must not join the checkout's record.
      env: { NO_COLOR: '1', TEST_TIMEOUT_S: '120', TEST_WORKERS: '2', PLATFORM_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'runner-')), ...more },
    },
  );
  const closing = r.stdout.trim().split('\n').at(-1) ?? '';
  return { code: r.exitCode, closing, all: r.all ?? '' };
}

test('a failing test whose message contains "Total: 5 Passed: 5" fails the run', async () => {
  const r = await runner('nested-summary.fixture.ts');
  assert.ok(r.all.includes('Passed:    5'), 'the fixture quotes the nested summary in its failure');
  assert.is(r.closing, '1 passed, 1 failed, 0 skipped', r.all);
  assert.is(r.code, 1, r.all);
});

test('an all-green suite passes', async () => {
  const r = await runner('all-pass.fixture.ts');
  assert.is(r.closing, '2 passed, 0 failed, 0 skipped', r.all);
  assert.is(r.code, 0, r.all);
});

test('a stray .only fails the run, naming the file and line', async () => {
  const r = await runner('stray-only.fixture.ts');
  assert.match(r.all, /stray-only\.fixture\.ts:7: stray \.only\(/);
  // uvu runs the focused test and counts the hidden one skipped; the stray .only is the failure.
  assert.is(r.closing, '1 passed, 1 failed, 1 skipped', r.all);
  assert.is(r.code, 1, r.all);
});

test('a folder that does not exist is a usage error: one line, exit 2, nothing run', async () => {
  const r = await runner('all-pass.fixture.ts', 'tests/no-such-folder');
  assert.match(r.all, /tests\/no-such-folder \(from the command line\) is not a folder; fix the path/);
  assert.not.match(r.all, /passed/);
  assert.is(r.code, 2, r.all);
});

test('a pattern that matches no file is a usage error (exit 2), not an empty green run', async () => {
  const r = await runner('no-such.fixture.ts');
  assert.match(r.all, /no test file under tests\/fixtures\/runner matches \/no-such\\\.fixture\\\.ts\$\/; fix the folder or --pattern/);
  assert.is(r.code, 2, r.all);
});

test('two files run side by side, the lines of each together under its header with its duration', async () => {
  const t0 = performance.now();
  const r = await runner('slow-(a|b)\\.fixture\\.ts$');
  assert.is(r.closing, '2 passed, 0 failed, 0 skipped', r.all);
  for (const x of ['a', 'b']) {
    const block = new RegExp(`── tests/fixtures/runner/slow-${x}\\.fixture\\.ts: ok, 1 passed, 0 failed, 0 skipped \\(\\d+\\.\\d s, CPU \\d+\\.\\d s\\)\\n[^─]*line ${x}1\\nline ${x}2\\n`);
    assert.match(r.all, block);
  }
  assert.match(r.all, /wall time [\d.]+ s, 2 worker\(s\), CPU [\d.]+ s, load average [\d.]+/);
  assert.ok(performance.now() - t0 < 60_000);
});

test("each file's CPU counts the processes it started; the run's CPU counts every file", async () => {
  const r = await runner('(cpu-burn|slow-a)\\.fixture\\.ts$');
  assert.is(r.closing, '2 passed, 0 failed, 0 skipped', r.all);
  const burn = /── tests\/fixtures\/runner\/cpu-burn\.fixture\.ts: ok, .*\(\d+\.\d s, CPU (\d+\.\d) s\)/.exec(r.all);
  const files = [...r.all.matchAll(/\n +[\d.]+ s +CPU +([\d.]+) s +tests\/fixtures\//g)].map((m) => Number(m[1]));
  const run = Number(/wall time [\d.]+ s, 2 worker\(s\), CPU ([\d.]+) s/.exec(r.all)?.[1]);
  assert.ok(burn, r.all);
  // The child burned 0.5 s of its own CPU (/proc counts in 10 ms ticks).
  assert.ok(Number(burn[1]) >= 0.49, `cpu-burn's CPU ${burn[1]} s counts its child's 0.5 s`);
  assert.is(files.length, 2, r.all);
  assert.ok(run >= files[0]! + files[1]! - 0.05, `run CPU ${run} s >= the files' ${files.join(' + ')} s`);
});

test('with no recorded durations, a file that starts its own broker or stack runs first', async () => {
  const r = await runner('(all-pass|owns-broker|slow-a)\\.fixture\\.ts$', FIXTURES, { TEST_WORKERS: '1' });
  assert.is(r.closing, '4 passed, 0 failed, 0 skipped', r.all);
  assert.match(r.all, /tests: 3 file\(s\) in 1 worker\(s\)\n+── tests\/fixtures\/runner\/owns-broker\.fixture\.ts: ok/);
});

test('a before hook that throws (uvu reports no error) still fails the run by its counts; loud() says why', async () => {
  const r = await runner('before-throws.fixture.ts');
  assert.is(r.closing, '0 passed, 1 failed, 0 skipped', r.all);
  assert.is(r.code, 1, r.all);
  assert.match(r.all, /before hook failed: Error: setup broke/);
});

test.run();
