// manifests/k8s/infra/redpanda/create-topics.sh (the k3d Job and the compose redpanda-init run
// it) against a STAND-IN rpk (no Redpanda runs here): creates the listed topics, leaves matching
// ones alone, and fails with both numbers when a partition count differs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { renderTopicsFile } from '../../tasks/targets/docker/topics-manifest.ts';
import { SEED_TOPICS } from '../../tasks/topics.ts';

const SCRIPT = path.join(REPO_ROOT, 'manifests/k8s/infra/redpanda/create-topics.sh');

async function runScript(existing: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rpk-standin-'));
  try {
    symlinkSync(path.join(REPO_ROOT, 'tests/support/standin-bin/rpk-standin.sh'), path.join(dir, 'rpk'));
    const topics = path.join(dir, 'topics.txt');
    writeFileSync(topics, renderTopicsFile());
    const state = path.join(dir, 'existing.txt');
    writeFileSync(state, existing);
    const r = await execa('sh', [SCRIPT], {
      reject: false,
      all: true,
      env: {
        PATH: `${dir}:/usr/bin:/bin`,
        BROKERS: 'redpanda:9092',
        TOPICS_FILE: topics,
        RPK_TOPICS: state,
        RPK_LOG: path.join(dir, 'rpk.log'),
      },
      extendEnv: false,
    });
    return {
      code: r.exitCode,
      out: r.all ?? '',
      existing: readFileSync(state, 'utf8'),
      calls: readFileSync(path.join(dir, 'rpk.log'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('create-topics.sh with a stand-in rpk: a fresh broker gets every seed topic with its partitions and replication 1', async () => {
  const r = await runScript('');
  assert.is(r.code, 0, r.out);
  for (const t of SEED_TOPICS) {
    assert.match(r.out, `created ${t.name} (${t.partitions} partitions, replication 1)`);
    assert.match(
      r.calls,
      `rpk topic create ${t.name} --partitions ${t.partitions} --replicas 1 -X brokers=redpanda:9092`,
    );
  }
  assert.is(r.existing.trim().split('\n').length, SEED_TOPICS.length);
});

test('create-topics.sh with a stand-in rpk: running again changes nothing and says so', async () => {
  const all = SEED_TOPICS.map((t) => `${t.name} ${t.partitions}`).join('\n') + '\n';
  const r = await runScript(all);
  assert.is(r.code, 0, r.out);
  for (const t of SEED_TOPICS) assert.match(r.out, `unchanged ${t.name} (${t.partitions} partitions)`);
  assert.is(r.existing, all);
});

test('create-topics.sh with a stand-in rpk: a topic with another partition count fails the run with both numbers', async () => {
  const r = await runScript('market-data.trades 2\n');
  assert.is(r.code, 1);
  assert.match(r.out, 'create-topics: market-data.trades has 2 partitions, the seed list says 6');
  assert.match(
    r.out,
    'created orders.filled (3 partitions, replication 1)',
    'the other topics are still created',
  );
});

test.run();
