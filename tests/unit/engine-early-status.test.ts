// `up` asks every status up front: a second `up` over a chain costs the slowest status, not the
// sum; and an early answer is never trusted once a need (direct or further up) ran meanwhile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph } from '../../tasks/engine/graph.ts';
import { runGraph } from '../../tasks/engine/scheduler.ts';
import { baseContext, node, tempDir } from '../fixtures/engine/nodes.ts';

test('second up over a chain: every status is asked before any has answered', async () => {
  const asked = new Set<string>();
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  // Each status answers "done" only once all three were asked; asked one after another (the old
  // way) the first would wait for the others and answer "not done" when its bound passes.
  const status = (id: string) => async () => {
    asked.add(id);
    if (asked.size === 3) release();
    const bound = new Promise<boolean>((r) => setTimeout(() => r(false), 3_000).unref());
    return Promise.race([all.then(() => true), bound]);
  };
  const a = node('a', [], { status: status('a') });
  const b = node('b', [a], { status: status('b') });
  const c = node('c', [b], { status: status('c') });
  const g = buildGraph([a, b, c]);
  const r = await runGraph(g, g.order, { command: 'up', makeContext: baseContext, logDir: tempDir() });
  assert.equal(
    r.nodes.map((n) => [n.id, n.state]),
    [
      ['a', 'up-to-date'],
      ['b', 'up-to-date'],
      ['c', 'up-to-date'],
    ],
  );
});

test('a need that ran makes its dependents ask status again (directly and two levels down)', async () => {
  let aRan = false;
  const calls: string[] = [];
  const a = node('a', [], { status: async () => aRan, run: async () => void (aRan = true) });
  // b and c are done exactly when a has run: their early answers (before a ran) are stale.
  const b = node('b', [a], {
    status: async () => (calls.push('b'), aRan),
    run: async () => assert.unreachable('b ran'),
  });
  const c = node('c', [b], {
    status: async () => (calls.push('c'), aRan),
    run: async () => assert.unreachable('c ran'),
  });
  const g = buildGraph([a, b, c]);
  const r = await runGraph(g, g.order, { command: 'up', makeContext: baseContext, logDir: tempDir() });
  assert.equal(
    r.nodes.map((n) => [n.id, n.state]),
    [
      ['a', 'done'],
      ['b', 'up-to-date'],
      ['c', 'up-to-date'],
    ],
  );
  assert.is(calls.filter((x) => x === 'b').length, 2, 'b asked early and again after a ran');
  assert.is(calls.filter((x) => x === 'c').length, 2, 'c asked early and again (a ran two levels up)');
});

test('--force and verify ask no status early', async () => {
  const calls: string[] = [];
  const a = node('a', [], { status: async () => (calls.push('a'), true), verify: async () => [] });
  const g = buildGraph([a]);
  await runGraph(g, g.order, { command: 'up', force: true, makeContext: baseContext, logDir: tempDir() });
  await runGraph(g, g.order, { command: 'verify', makeContext: baseContext, logDir: tempDir() });
  assert.equal(calls, []);
});

test.run();
