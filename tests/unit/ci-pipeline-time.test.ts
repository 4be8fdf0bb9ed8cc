// REQ-0.5 judges the whole .ci/run of the commit being verified: a record of another commit is a
// stale skip naming the refresh command, never a pass; a failed run or one over 300 s fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  headCommit,
  judgePipeline,
  pipelineTimeCheck,
  REFRESH,
  timingsFile,
  type CiTimings,
} from '../../validation/lib/pipeline-time.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';

const meta = { id: '0-8.duration', criteria: ['0-8.ac7'], title: 'pipeline < 5 min' };
const HEAD = 'a'.repeat(40);
const record = (commit: string, seconds: number, exitCode = 0): CiTimings => ({
  commit,
  steps: { lint: { step: 'lint', command: 'npm run lint', seconds: 12, exitCode: 0, finishedAt: '' } },
  pipeline: { seconds, exitCode, finishedAt: '', loadAverage: [1.2, 3.4] },
});

test('a record of another commit is a stale skip with the command that refreshes it', () => {
  const c = judgePipeline(record('b'.repeat(40), 120), HEAD, '.platform/ci-timings.json', meta);
  assert.is(c.status, 'skip');
  assert.match(c.reason ?? '', /^stale: .*bbbbbbbbbbbb.*aaaaaaaaaaaa/);
  assert.ok(c.reason?.includes(REFRESH));
});

test('the record of this commit under 300 s passes with the figure, over it fails', () => {
  const ok = judgePipeline(record(HEAD, 212.4), HEAD, 'f', meta);
  assert.is(ok.status, 'pass');
  assert.is(ok.measured, 212.4);
  assert.is(ok.requirement, 'REQ-0.5');
  assert.match(ok.evidence ?? '', /lint 12 s.*load average 1.2 → 3.4/);
  assert.is(judgePipeline(record(HEAD, 300), HEAD, 'f', meta).status, 'fail');
});

test('a failed pipeline fails however quick; steps without a whole-run record are no measurement', () => {
  assert.is(judgePipeline(record(HEAD, 90, 1), HEAD, 'f', meta).status, 'fail');
  const stepsOnly: CiTimings = { commit: HEAD, steps: record(HEAD, 1).steps };
  assert.is(judgePipeline(stepsOnly, HEAD, 'f', meta).status, 'skip');
  assert.is(judgePipeline(undefined, HEAD, 'f', meta).status, 'skip');
});

test('scripts/ci-timed.ts --pipeline records this checkout: pass; the same file at another commit: stale skip', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-timings-'));
  try {
    const started = Date.now() - 5_000;
    execFileSync(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/ci-timed.ts', '--pipeline', String(started), '0', '0.5'],
      { cwd: REPO_ROOT, env: { ...process.env, PLATFORM_DIR: dir }, stdio: 'pipe' },
    );
    const rec = JSON.parse(fs.readFileSync(timingsFile(dir), 'utf8')) as CiTimings;
    assert.is(rec.commit, await headCommit(REPO_ROOT));
    assert.ok(rec.pipeline && rec.pipeline.seconds >= 5 && rec.pipeline.seconds < 60, JSON.stringify(rec));
    assert.is((await pipelineTimeCheck(REPO_ROOT, dir, meta)).status, 'pass');
    fs.writeFileSync(timingsFile(dir), JSON.stringify({ ...rec, commit: '0'.repeat(40) }));
    const stale = await pipelineTimeCheck(REPO_ROOT, dir, meta);
    assert.is(stale.status, 'skip');
    assert.match(stale.reason ?? '', /^stale: /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('steps that end together (.ci/run runs lint beside the tests) take turns writing the record', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-timings-'));
  const file = timingsFile(dir);
  const ran = path.join(dir, 'ran');
  try {
    const step = (name: string, cmd: string[]) =>
      execa(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/ci-timed.ts', name, '--', ...cmd], {
        cwd: REPO_ROOT,
        env: { ...process.env, PLATFORM_DIR: dir },
      });
    // Another step holds the lock: this one's command runs, its record waits.
    fs.mkdirSync(`${file}.lock`);
    const held = step('held', ['touch', ran]);
    for (let i = 0; i < 600 && !fs.existsSync(ran); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(ran), 'the step ran its command');
    await new Promise((r) => setTimeout(r, 1_000));
    assert.not.ok(fs.existsSync(file), 'no record written while another step holds the lock');
    fs.rmdirSync(`${file}.lock`);
    await Promise.all([held, ...['s1', 's2', 's3'].map((n) => step(n, ['true']))]);
    const rec = JSON.parse(fs.readFileSync(file, 'utf8')) as CiTimings;
    assert.equal(Object.keys(rec.steps).sort(), ['held', 's1', 's2', 's3']);
    assert.not.ok(fs.existsSync(`${file}.lock`), 'the lock is released');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
