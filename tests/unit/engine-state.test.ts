// The state file: atomic writes, a corrupt file reported and recovered from, runs folded in.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  emptyState,
  loadState,
  recordRun,
  saveState,
  stateFile,
  type RunRecord,
} from '../../tasks/engine/state.ts';
import { tempDir } from '../fixtures/engine/nodes.ts';

const runRec = (command: 'up' | 'verify', state: 'done' | 'failed'): RunRecord => ({
  command,
  target: 'native',
  startedAt: 1,
  endedAt: 2,
  concurrency: 4,
  interrupted: false,
  criticalPath: { ids: ['a'], ms: 1 },
  nodes: [
    {
      id: 'a',
      name: 'na',
      state,
      startedAt: 1,
      endedAt: 2,
      checks:
        command === 'verify'
          ? [{ id: 'a.x', task: 'a', title: 'x', status: 'pass', proof: 'live' }]
          : undefined,
    },
  ],
});

test('a missing file is a fresh state without a warning', async () => {
  const warnings: string[] = [];
  const s = await loadState(stateFile(tempDir()), (w) => warnings.push(w));
  assert.equal(s, emptyState());
  assert.equal(warnings, []);
});

test('save then load round-trips, leaving no temp file behind', async () => {
  const dir = tempDir();
  const file = stateFile(dir);
  const s = recordRun(emptyState(), runRec('up', 'done'));
  await saveState(file, s);
  assert.equal(await loadState(file), JSON.parse(JSON.stringify(s)));
  assert.equal(fs.readdirSync(dir), ['state.json']);
});

for (const [what, text] of [
  ['truncated JSON', '{"version":1,"nodes":{"a":'],
  ['not JSON at all', '\u0000\u0001garbage'],
  ['the wrong shape', '{"version":7}'],
] as const) {
  test(`a corrupt state file (${what}) is reported, kept aside and replaced by a fresh state`, async () => {
    const dir = tempDir();
    const file = stateFile(dir);
    fs.writeFileSync(file, text);
    const warnings: string[] = [];
    const s = await loadState(file, (w) => warnings.push(w));
    assert.equal(s, emptyState());
    assert.is(warnings.length, 1);
    assert.match(warnings[0]!, `${file} is corrupt`);
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith('state.json.corrupt-'));
    assert.is(aside.length, 1);
    assert.is(
      fs.readFileSync(path.join(dir, aside[0]!), 'utf8'),
      text,
      'the corrupt bytes are kept for a look',
    );
  });
}

test('a verify run adds checks without overwriting what up did', () => {
  let s = recordRun(emptyState(), runRec('up', 'done'));
  s = recordRun(s, runRec('verify', 'failed'));
  assert.is(s.nodes.a!.state, 'done');
  assert.is(s.nodes.a!.verifyState, 'failed');
  assert.is(s.nodes.a!.checks![0]!.id, 'a.x');
  assert.ok(s.lastRun.up && s.lastRun.verify);
});

test('a later up keeps the last verify (its time, outcome and checks): the Overview showed it blank', () => {
  let s = recordRun(emptyState(), runRec('up', 'done'));
  s = recordRun(s, runRec('verify', 'failed'));
  s = recordRun(s, { ...runRec('up', 'done'), startedAt: 5, endedAt: 6 });
  assert.is(s.nodes.a!.state, 'done');
  assert.is(s.nodes.a!.verifyState, 'failed');
  assert.is(s.nodes.a!.verifiedAt, 2);
  assert.is(s.nodes.a!.checks![0]!.id, 'a.x');
});

test.run();
