// Long installs run side by side and never leave non-TTY output silent for more than the heartbeat.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { allSettledOrThrow, inBuildSlot, BUILD_SLOTS, track, waitingLine } from '../../tasks/config/activity.ts';
import { buildGraph } from '../../tasks/engine/graph.ts';
import { createProgress } from '../../tasks/engine/progress.ts';
import { runGraph } from '../../tasks/engine/scheduler.ts';
import { baseContext, node, tempDir } from '../fixtures/engine/nodes.ts';

test('two tracked installs share one waiting line naming both, repeated while they run', async () => {
  const lines: string[] = [];
  const note = (l: string) => lines.push(l);
  await Promise.all([
    track(note, 'building a', () => sleep(130), 40),
    track(note, 'downloading b', () => sleep(60), 40),
  ]);
  const waiting = lines.filter((l) => l.startsWith('still working:'));
  assert.ok(waiting.length >= 2, lines.join('\n'));
  assert.match(waiting[0]!, /building a \(\d+ s\), downloading b \(\d+ s\)/);
  assert.ok(lines.includes('building a: started'));
  assert.ok(lines.some((l) => /^downloading b: done in \d+ s$/.test(l)));
  // The line stops with the last install: nothing more after both ended.
  const n = lines.length;
  await sleep(100);
  assert.is(lines.length, n);
});

test('a failed install says so and the error reaches the caller', async () => {
  const lines: string[] = [];
  const err = await track((l) => lines.push(l), 'building x', () => Promise.reject(new Error('boom'))).catch((e: Error) => e);
  assert.is((err as Error).message, 'boom');
  assert.match(lines.at(-1)!, /^building x: failed after \d+ s$/);
});

test('waitingLine names each running thing with its age', () => {
  assert.is(waitingLine(new Map([['building jaeger', 0]]), 41_000), 'still working: building jaeger (41 s)');
});

test('build slots: never more than BUILD_SLOTS builds at once, all of them run', async () => {
  let now = 0;
  let peak = 0;
  const jobs = Array.from({ length: BUILD_SLOTS + 3 }, (_, i) => () =>
    inBuildSlot(async () => {
      peak = Math.max(peak, ++now);
      await sleep(10);
      now--;
      return i;
    }),
  );
  assert.equal(await allSettledOrThrow(jobs), jobs.map((_, i) => i));
  assert.is(peak, BUILD_SLOTS);
});

test('allSettledOrThrow waits for every job before rethrowing the first failure', async () => {
  let finished = false;
  const err = await allSettledOrThrow([
    () => Promise.reject(new Error('first')),
    () => sleep(30).then(() => void (finished = true)),
  ]).catch((e: Error) => e);
  assert.is((err as Error).message, 'first');
  assert.ok(finished);
});

test('a node note reaches plain progress output under the node label, and its log', async () => {
  const lines: string[] = [];
  const progress = createProgress('plain', { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  const a = node('a', [], { run: async (ctx) => ctx.note?.('building thing: started') });
  const g = buildGraph([a]);
  await runGraph(g, g.order, { command: 'up', makeContext: baseContext, logDir: tempDir(), onEvent: progress.onEvent });
  assert.ok(lines.some((l) => /^\[a [^\]]*\] {3}building thing: started$/.test(l)), lines.join('\n'));
});

test('plain progress is never silent for longer than its quiet time while a node works without notes', async () => {
  const lines: { at: number; line: string }[] = [];
  const progress = createProgress('plain', { out: (l) => lines.push({ at: Date.now(), line: l }), err: () => {}, quietMs: 100 });
  const a = node('a', [], { run: () => sleep(450) });
  const g = buildGraph([a]);
  await runGraph(g, g.order, { command: 'up', makeContext: baseContext, logDir: tempDir(), onEvent: progress.onEvent });
  await progress.done();
  const still = lines.filter((l) => /^still running: \[a [^\]]*\] \d+ s$/.test(l.line));
  assert.ok(still.length >= 3, lines.map((l) => l.line).join('\n'));
  const gaps = lines.slice(1).map((l, i) => l.at - lines[i]!.at);
  // Generous for a loaded machine's timers; without the heartbeat the gap is the whole 450 ms.
  assert.ok(Math.max(...gaps) <= 300, `gaps ${gaps.join(', ')} ms`);
  const after = lines.length;
  await sleep(250);
  assert.is(lines.length, after, 'nothing more once the run has ended');
});

test.run();
