// Progress output: --json is one parseable object per line; plain mode has no ANSI codes;
// secrets registered for redaction never appear.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { redact, registerSecret } from '../../tasks/config/redact.ts';
import { buildGraph } from '../../tasks/engine/graph.ts';
import { chooseMode, createProgress } from '../../tasks/engine/progress.ts';
import { runGraph } from '../../tasks/engine/scheduler.ts';
import { baseContext, node, tempDir } from '../fixtures/engine/nodes.ts';

const SECRET = 'canary-secret-7f3a9c';

async function runWith(mode: 'json' | 'plain') {
  registerSecret(SECRET);
  const lines: string[] = [];
  const progress = createProgress(mode, { out: (l) => lines.push(l), err: (l) => lines.push(l), redact });
  const a = node('a', [], {
    run: async (ctx) => {
      ctx.log(`token=${SECRET}`);
      throw new Error(`auth failed for ${SECRET}`);
    },
  });
  const b = node('b', [a]);
  const c = node('c', [], { applies: () => ({ notApplicable: 'not here' }) });
  const g = buildGraph([a, b, c]);
  await runGraph(g, g.order, {
    command: 'up',
    makeContext: baseContext,
    logDir: tempDir(),
    onEvent: progress.onEvent,
    redact,
  });
  await progress.done();
  return lines;
}

test('--json emits one JSON event per line, every line parses', async () => {
  const lines = await runWith('json');
  const events = lines.map(
    (l) => JSON.parse(l) as { type: string; id?: string; state?: string; reason?: string },
  );
  assert.is(events[0]!.type, 'run-start');
  assert.is(events.at(-1)!.type, 'run-end');
  const ends = Object.fromEntries(events.filter((e) => e.type === 'node-end').map((e) => [e.id, e]));
  assert.is(ends.a!.state, 'failed');
  assert.is(ends.b!.reason, 'blocked by a (failed: auth failed for ***)');
  assert.is(ends.c!.state, 'not-applicable');
});

test('no output mode leaks a registered secret', async () => {
  for (const mode of ['json', 'plain'] as const) {
    const text = (await runWith(mode)).join('\n');
    assert.not.match(text, SECRET, mode);
    assert.match(text, '***');
  }
});

test('plain mode: one line per event, no ANSI escapes, failure shows log tail and path', async () => {
  const lines = await runWith('plain');
  const text = lines.join('\n');
  assert.not.ok(text.includes('\u001b['), 'no ANSI escape');
  assert.match(text, '[a na] FAILED');
  assert.match(text, '    | token=***');
  assert.match(text, / {4}log: .*a\.log/);
  assert.match(text, '[b nb] skipped: blocked by a');
  assert.match(text, '[c nc] not applicable: not here');
  assert.match(lines.at(-1)!, /^up finished in .*: 1 FAILED, 1 skipped, 1 not applicable$/);
});

test('mode: json wins; a TTY without CI gets listr2; CI or a pipe gets plain lines', () => {
  assert.is(chooseMode({ json: true, isTTY: true, env: {} }), 'json');
  assert.is(chooseMode({ isTTY: true, env: {} }), 'tty');
  assert.is(chooseMode({ isTTY: true, env: { CI: 'true' } }), 'plain');
  assert.is(chooseMode({ isTTY: false, env: {} }), 'plain');
});

test.run();
