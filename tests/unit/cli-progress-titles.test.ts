// Progress that reads right: a node waiting lists only the needs that have not finished, and a
// node's title names what the active target runs for it (asked of the target, not hard-coded).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph } from '../../tasks/engine/graph.ts';
import { createProgress } from '../../tasks/engine/progress.ts';
import { runGraph } from '../../tasks/engine/scheduler.ts';
import { titleOn } from '../../tasks/phase0/define.ts';
import { phase0 } from '../../tasks/phase0/index.ts';
import { createTarget } from '../../tasks/targets/index.ts';
import { baseContext, gate, node, tempDir } from '../fixtures/engine/nodes.ts';

test('TTY progress: a waiting node names only its unfinished needs, updated as they finish', async () => {
  const titles: [string, string][] = [];
  const progress = createProgress('tty', {
    out: () => {},
    err: () => {},
    silent: true,
    onTitle: (id, title) => titles.push([id, title]),
  });
  const slow = gate();
  const a = node('a', [], { run: () => slow.opened });
  const b = node('b', []);
  const c = node('c', [a, b]);
  const g = buildGraph([a, b, c]);
  const run = runGraph(g, g.order, {
    command: 'up',
    makeContext: baseContext,
    logDir: tempDir(),
    onEvent: progress.onEvent,
  });
  // Wait until b has finished while a is still held, then let a go.
  for (let i = 0; i < 100 && !titles.some(([id, t]) => id === 'b' && /already up|done/.test(t)); i++)
    await new Promise((r) => setTimeout(r, 20));
  const waitingWhileAHeld = titles.filter(([id, t]) => id === 'c' && t.includes('waiting')).map(([, t]) => t);
  slow.open();
  await run;
  await progress.done();
  assert.ok(waitingWhileAHeld.length > 0, `c never showed as waiting: ${JSON.stringify(titles)}`);
  assert.match(waitingWhileAHeld.at(-1)!, /\(waiting for a\)$/, 'after b finished, c waits for a only');
  assert.ok(
    titles.some(([id, t]) => id === 'c' && /\(done|\(already up/.test(t)),
    `c ended: ${JSON.stringify(titles)}`,
  );
});

test("a node's title names what the target runs for its component, asked of the target", async () => {
  const traces = phase0.find((t) => t.id === '0-6')!;
  const native = await createTarget('native', {});
  const k3d = await createTarget('k3d', {});
  const onNative = titleOn(traces, native);
  const onK3d = titleOn(traces, k3d);
  assert.not.match(onNative, /Tempo/, 'on native, 0-6 is not Tempo');
  assert.ok(onNative.endsWith(`: ${native.components.traces!.describe!}`), onNative);
  assert.ok(onK3d.endsWith(`: ${k3d.components.traces!.describe!}`), onK3d);
  assert.match(onK3d, /Tempo/);
  // A node without a component keeps its own title.
  const docs = phase0.find((t) => t.id === '0-12')!;
  assert.is(titleOn(docs, native), docs.title);
  // Every component a phase-0 node maps onto says what it runs, on every target.
  for (const target of [native, k3d, await createTarget('compose', {})])
    for (const [id, c] of Object.entries(target.components))
      assert.ok(c?.describe, `${target.name} component ${id} has no describe`);
});

test.run();
