// bench/lib/cli.ts: the bench scripts' flags (a wrong one is one usage line naming the script)
// and their JSON result file (its folder created).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringFlags, writeJson } from '../../bench/lib/cli.ts';

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

test.run();
