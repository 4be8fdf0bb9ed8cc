// The scheduler on synthetic graphs of test-only nodes. Concurrency is checked by counting live
// nodes (a node holds its slot until the test's barrier releases it), never by timing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph } from '../../tasks/engine/graph.ts';
import { runGraph, type EngineEvent, type RunOptions } from '../../tasks/engine/scheduler.ts';
import { check, type BaseContext } from '../../tasks/engine/task.ts';
import { baseContext, node, tempDir, type Node } from '../fixtures/engine/nodes.ts';

const opts = (extra: Partial<RunOptions<BaseContext>> = {}): RunOptions<BaseContext> => ({
  command: 'up',
  makeContext: baseContext,
  logDir: tempDir(),
  ...extra,
});

const run = (nodes: Node[], extra: Partial<RunOptions<BaseContext>> = {}) =>
  runGraph(buildGraph(nodes), buildGraph(nodes).order, opts(extra));
const byId = (r: Awaited<ReturnType<typeof run>>) => Object.fromEntries(r.nodes.map((n) => [n.id, n]));

test('the concurrency cap is never exceeded and is reached', async () => {
  for (const limit of [1, 3, 5]) {
    const total = 13;
    let live = 0;
    let max = 0;
    let started = 0;
    let waiters: (() => void)[] = [];
    // Each node holds its slot until `limit` nodes are live (or every node has started), so a
    // scheduler that started more than `limit` would be seen by the counter.
    const hold = async () => {
      live++;
      started++;
      max = Math.max(max, live);
      const released = new Promise<void>((r) => waiters.push(r));
      if (live === limit || started === total) {
        waiters.forEach((w) => w());
        waiters = [];
      }
      await released;
      live--;
    };
    const nodes = Array.from({ length: total }, (_, i) => node(String(i), [], { run: hold }));
    const r = await run(nodes, { concurrency: limit });
    assert.ok(r.ok);
    assert.is(max, limit, `limit ${limit}: max live nodes`);
  }
});

test('a failure skips exactly its dependents, saying which node blocked them and why', async () => {
  const a = node('a', [], {
    run: async () => {
      throw new Error('boom');
    },
  });
  const b = node('b', [a]);
  const c = node('c', [b]);
  const x = node('x');
  const d = node('d', [c, x]);
  const y = node('y', [x]);
  const r = await run([a, b, c, x, d, y]);
  const s = byId(r);
  assert.is(r.ok, false);
  assert.is(s.a!.state, 'failed');
  assert.is(s.a!.reason, 'boom');
  assert.is(s.b!.state, 'skipped');
  assert.is(s.b!.reason, 'blocked by a (failed: boom)');
  assert.is(s.c!.reason, 'blocked by a (failed: boom)', 'a transitive dependent names the root failure');
  assert.is(s.d!.state, 'skipped');
  assert.is(s.x!.state, 'done', 'independent branch keeps going');
  assert.is(s.y!.state, 'done');
});

test('--fail-fast starts nothing new after the first failure', async () => {
  const calls: string[] = [];
  const a = node('a', [], {
    run: async () => {
      calls.push('a');
      throw new Error('boom');
    },
  });
  const x = node('x', [], {
    run: async () => {
      calls.push('x');
    },
  });
  const r = await run([a, x], { concurrency: 1, failFast: true });
  assert.equal(calls, ['a']);
  assert.is(byId(r).x!.state, 'skipped');
  assert.is(byId(r).x!.reason, 'not started: --fail-fast after a failed');
});

test('a run that exceeds its timeout fails with a timeout reason and its signal is aborted', async () => {
  let sawAbort = false;
  const slow = node('slow', [], {
    timeoutMs: 50,
    run: (ctx) =>
      new Promise<void>((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(new Error('stopped'));
        }),
      ),
  });
  const r = await run([slow]);
  assert.is(byId(r).slow!.state, 'failed');
  assert.is(byId(r).slow!.reason, 'slow run timed out after 50 ms');
  assert.ok(sawAbort, 'the node saw its signal abort');
});

test('a step that ignores its signal still times out: the engine moves on after the grace', async () => {
  const deaf = node('deaf', [], { timeoutMs: 20, run: () => new Promise<void>(() => {}) });
  const after = node('after', [deaf]);
  const r = await run([deaf, after], { abortGraceMs: 10 });
  assert.is(byId(r).deaf!.state, 'failed');
  assert.is(byId(r).deaf!.reason, 'deaf run timed out after 20 ms');
  assert.is(byId(r).after!.state, 'skipped');
});

test('retries with exponential backoff until success', async () => {
  let calls = 0;
  const events: EngineEvent[] = [];
  const flaky = node('flaky', [], {
    retries: 3,
    backoffMs: 2,
    run: async () => {
      if (++calls < 3) throw new Error(`try ${calls}`);
    },
  });
  const r = await run([flaky], { onEvent: (e) => events.push(e) });
  assert.is(byId(r).flaky!.state, 'done');
  assert.is(byId(r).flaky!.attempts, 3);
  const retries = events.filter((e) => e.type === 'node-retry');
  assert.equal(
    retries.map((e) => [e.attempt, e.delayMs, e.error]),
    [
      [2, 2, 'try 1'],
      [3, 4, 'try 2'],
    ],
  );
});

test('retries stop when they are used up', async () => {
  let calls = 0;
  const bad = node('bad', [], {
    retries: 2,
    backoffMs: 1,
    run: async () => {
      calls++;
      throw new Error('nope');
    },
  });
  const r = await run([bad]);
  assert.is(calls, 3);
  assert.is(byId(r).bad!.state, 'failed');
  assert.is(byId(r).bad!.attempts, 3);
});

test('no retry starts past the overall deadline', async () => {
  let calls = 0;
  const bad = node('bad', [], {
    retries: 5,
    backoffMs: 60_000,
    run: async () => {
      calls++;
      throw new Error('nope');
    },
  });
  const r = await run([bad], { deadlineMs: 30_000 });
  assert.is(calls, 1);
  assert.is(byId(r).bad!.reason, 'nope (no retry: the overall deadline comes first)');
});

test('a not-applicable node satisfies its dependents and is neither pass nor failure', async () => {
  const na = node('na', [], {
    applies: () => ({ notApplicable: 'target X does not provide it' }),
    run: async () => {
      throw new Error('must not run');
    },
  });
  const after = node('after', [na]);
  const r = await run([na, after]);
  assert.ok(r.ok);
  assert.is(byId(r).na!.state, 'not-applicable');
  assert.is(byId(r).na!.reason, 'target X does not provide it');
  assert.is(byId(r).after!.state, 'done');
});

test('up twice: the second run only calls status', async () => {
  let up = false;
  const calls: string[] = [];
  const n = node('svc', [], {
    status: async () => (calls.push('status'), up),
    run: async () => {
      calls.push('run');
      up = true;
    },
  });
  const first = await run([n]);
  const second = await run([n]);
  assert.equal(calls, ['status', 'run', 'status']);
  assert.is(byId(first).svc!.state, 'done');
  assert.is(byId(second).svc!.state, 'up-to-date');
  await run([n], { force: true });
  assert.equal(calls.slice(3), ['run'], '--force skips status and reruns');
});

test('aborting the run interrupts running nodes and starts nothing else', async () => {
  const ac = new AbortController();
  let aborted = false;
  const long = node('long', [], {
    run: (ctx) =>
      new Promise<void>((_, reject) => {
        ctx.signal.addEventListener('abort', () => ((aborted = true), reject(new Error('killed'))));
        queueMicrotask(() => ac.abort(new Error('Ctrl-C')));
      }),
  });
  const later = node('later', [long]);
  const r = await run([long, later], { signal: ac.signal });
  assert.ok(aborted);
  assert.is(r.interrupted, true);
  assert.is(r.ok, false);
  assert.is(byId(r).long!.state, 'interrupted');
  assert.is(byId(r).later!.state, 'skipped');
});

test('verify: checks are collected, a throwing verify step becomes a failed check, failures do not block', async () => {
  const good = node('g', [], {
    verify: async () => [
      check({ proof: 'live', id: 'g.one', title: 'one', status: 'pass', measured: 3, unit: 'ms' }),
    ],
  });
  const bad = node('b', [good], {
    verify: async () => {
      throw new Error('endpoint refused');
    },
  });
  const after = node('c', [bad], {
    verify: async () => [
      check({ proof: 'live', id: 'c.x', title: 'x', status: 'skip', reason: 'no endpoint' }),
    ],
  });
  const r = await run([good, bad, after], { command: 'verify' });
  const s = byId(r);
  assert.is(s.g!.state, 'done');
  assert.is(s.g!.checks![0]!.measured, 3);
  assert.is(s.b!.state, 'failed');
  assert.equal(
    s.b!.checks!.map((c) => [c.id, c.status, c.reason]),
    [['b.verify', 'fail', 'endpoint refused']],
  );
  assert.is(s.c!.state, 'done', 'verify of a dependent still runs');
});

test('a failed node reports the last lines of its log', async () => {
  const n = node('logs', [], {
    run: async (ctx) => {
      ctx.log('connecting to broker');
      throw new Error('refused');
    },
  });
  const events: EngineEvent[] = [];
  await run([n], { onEvent: (e) => events.push(e) });
  const end = events.find((e) => e.type === 'node-end');
  assert.ok(end && end.type === 'node-end');
  assert.match(end.logTail ?? '', 'connecting to broker');
  assert.match(end.logFile ?? '', /logs\.log$/);
});

test('a bad concurrency is refused', async () => {
  for (const c of [0, -1, 1.5]) {
    await run([node('a')], { concurrency: c }).then(
      () => assert.unreachable(`concurrency ${c} accepted`),
      (e: Error) => assert.match(e.message, 'concurrency must be a whole number'),
    );
  }
});

test.run();
