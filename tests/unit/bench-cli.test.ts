// bench/lib/cli.ts: the bench scripts' flags (a wrong one is one usage line naming the script)
// and their JSON result file (its folder created).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringFlags, writeJson } from '../../bench/lib/cli.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';

test('stringFlags: known flags parsed; an unknown one is a UsageError naming the script, one line', () => {
  assert.equal({ ...stringFlags('bench/x.ts', ['--runs', '3'], ['runs', 'json']) }, { runs: '3' });
  assert.throws(
    () => stringFlags('bench/x.ts', ['--nope'], ['runs']),
    (e: Error) => e.name === 'UsageError' && /^bench\/x\.ts: Unknown option '--nope'/.test(e.message) && !e.message.includes('\n'),
  );
});

test('writeJson: creates the folder and writes indented JSON', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-')), 'a', 'b.json');
  const log = console.log;
  console.log = () => undefined;
  try {
    await writeJson(file, { x: 1 });
  } finally {
    console.log = log;
  }
  assert.is(fs.readFileSync(file, 'utf8'), '{\n  "x": 1\n}\n');
});

test('every bench script answers --help with its usage on stdout and exit 0, and a wrong flag with exit 2', () => {
  const scripts = fs.readdirSync(path.join(REPO_ROOT, 'bench')).filter((f) => f.endsWith('.ts'));
  assert.ok(scripts.length >= 7, scripts.join(', '));
  for (const script of scripts) {
    const run = (arg: string) =>
      spawnSync(process.execPath, ['--no-warnings', path.join('bench', script), arg], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 30_000,
      });
    const help = run('--help');
    assert.is(help.status, 0, `${script} --help: exit ${help.status}: ${help.stderr}`);
    assert.match(help.stdout, /^usage: /, `${script} --help printed: ${help.stdout}${help.stderr}`);
    const wrong = run('--no-such-flag');
    assert.is(wrong.status, 2, `${script} --no-such-flag: exit ${wrong.status}: ${wrong.stderr}`);
    assert.is(wrong.stderr.trim().split('\n').length, 1, `${script}: ${wrong.stderr}`);
  }
});

test.run();
