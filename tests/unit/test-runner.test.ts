// tests/run.ts as CI runs it, in its own process over fixture suites: the verdict comes from
// uvu's own result (its exit code and the summary that ends the output), never from a summary
// quoted inside a failing test's message.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = 'tests/fixtures/runner';

async function runner(file: string) {
  const r = await execa(
    process.execPath,
    ['--import', 'tsx', 'tests/run.ts', FIXTURES, '--pattern', `${file.replace(/\./g, '\\.')}$`],
    { cwd: ROOT, reject: false, all: true, env: { NO_COLOR: '1', TEST_TIMEOUT_S: '120' } },
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

test('an all-green suite passes, with its skipped test counted', async () => {
  const r = await runner('all-pass.fixture.ts');
  assert.is(r.closing, '2 passed, 0 failed, 1 skipped', r.all);
  assert.is(r.code, 0, r.all);
});

test('a before hook that throws (uvu reports no error) still fails the run by its counts', async () => {
  const r = await runner('before-throws.fixture.ts');
  assert.is(r.closing, '0 passed, 1 failed, 0 skipped', r.all);
  assert.is(r.code, 1, r.all);
});

test('no matching test file fails the run', async () => {
  const r = await runner('no-such.fixture.ts');
  assert.is(r.closing, '0 passed, 0 failed, 0 skipped', r.all);
  assert.is(r.code, 1, r.all);
});

test.run();
