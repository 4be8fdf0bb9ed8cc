// The CLI in-process over test-only graphs: bad input is one line and exit 2; `up` twice only
// asks status the second time; --json output parses line by line; verify --report writes files.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main, type MainOptions } from '../../tasks/cli/main.ts';
import type { PlatformContext } from '../../tasks/context.ts';
import { check, defineTask, type Task } from '../../tasks/engine/task.ts';
import { fixtureTarget } from '../fixtures/engine/target.ts';
import { tempDir } from '../fixtures/engine/nodes.ts';

type T = Task<PlatformContext>;

// Tests point PLATFORM_DIR/PLATFORM_CACHE at temp dirs; put back whatever the runner had.
const SAVED = { PLATFORM_DIR: process.env.PLATFORM_DIR, PLATFORM_CACHE: process.env.PLATFORM_CACHE };
function restoreEnv() {
  for (const [k, v] of Object.entries(SAVED)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

async function cli(argv: string[], tasks?: () => T[], extra: MainOptions = {}) {
  let out = '';
  let err = '';
  const prev = process.env.PLATFORM_DIR;
  // Never the runner's own PLATFORM_DIR: a test that did not set one gets a temp dir.
  process.env.PLATFORM_DIR = prev !== SAVED.PLATFORM_DIR && prev ? prev : tempDir();
  try {
    const code = await main(argv, {
      signals: false,
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      runtime: tasks
        ? {
            tasks: async () => tasks(),
            chooseTarget: async () => ({ target: fixtureTarget(), why: 'test fixture' }),
            loadEnv: async () => ({}),
          }
        : undefined,
      ...extra,
    });
    return { code, out, err };
  } finally {
    process.env.PLATFORM_DIR = prev;
  }
}

const oneLine = (s: string) => s.trimEnd().split('\n').length === 1;

test('bad input: one clear line and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['bogus'], /unknown command 'bogus'/],
    [['up', '0-99'], /unknown task id '0-99'; known: 0-1, 0-2/],
    [['up', '--target', 'mars'], /unknown target 'mars'; use one of: k3d, compose, native/],
    [['up', '--concurrency', 'zero'], /--concurrency must be a whole number >= 1, got 'zero'/],
    [['up', '--concurrency', '0'], /--concurrency must be a whole number >= 1/],
    [['up', '--frobnicate'], /up: unknown option '--frobnicate'/],
    [['graph', '--format', 'png'], /unknown format 'png'/],
    [['list', 'extra'], /unexpected argument 'extra'/],
  ];
  process.env.PLATFORM_DIR = tempDir();
  try {
    for (const [argv, want] of cases) {
      const r = await cli(argv);
      assert.is(r.code, 2, argv.join(' '));
      assert.match(r.err, want, argv.join(' '));
      assert.ok(oneLine(r.err), `one line for ${argv.join(' ')}: ${r.err}`);
    }
  } finally {
    restoreEnv();
  }
});

test('a graph with a cycle: the cycle path on one line, exit 2', async () => {
  const a = { id: 'a', name: 'a', title: 'a', needs: [] as T[] };
  const b = { id: 'b', name: 'b', title: 'b', needs: [a as T] };
  a.needs.push(b as T);
  const r = await cli(['up'], () => [a, b] as T[]);
  assert.is(r.code, 2);
  assert.match(r.err, 'cycle a → b → a');
  assert.ok(oneLine(r.err));
});

test('--help per command comes from its spec; global help lists every command', async () => {
  const g = await cli(['--help']);
  assert.is(g.code, 0);
  for (const c of ['up', 'down', 'verify', 'status', 'plan', 'graph', 'list', 'clean'])
    assert.match(g.out, new RegExp(`\\n  ${c} +\\S`));
  const u = await cli(['up', '--help']);
  assert.is(u.code, 0);
  assert.match(u.out, '--concurrency <value>');
  assert.match(u.out, '--fail-fast');
});

test('up twice: the second run only calls status; exit codes 0 both times', async () => {
  process.env.PLATFORM_DIR = tempDir();
  try {
    const calls: string[] = [];
    let up = false;
    const svc = defineTask<PlatformContext>({
      id: 'svc',
      name: 'svc',
      title: 'a service',
      status: async () => (calls.push('status'), up),
      run: async () => {
        calls.push('run');
        up = true;
      },
    });
    const first = await cli(['up'], () => [svc]);
    const second = await cli(['up'], () => [svc]);
    assert.is(first.code, 0);
    assert.is(second.code, 0);
    assert.equal(calls, ['status', 'run', 'status']);
    assert.match(second.out, '[svc svc] already up: already up (status); use --force to rerun');
  } finally {
    restoreEnv();
  }
});

test('--json: every stdout line is one JSON event; a failed node makes exit 1', async () => {
  process.env.PLATFORM_DIR = tempDir();
  try {
    const bad = defineTask<PlatformContext>({
      id: 'bad',
      name: 'bad',
      title: 'fails',
      run: async () => {
        throw new Error('broken');
      },
    });
    const dep = defineTask<PlatformContext>({ id: 'dep', name: 'dep', title: 'needs bad', needs: [bad] });
    const r = await cli(['up', '--json'], () => [bad, dep]);
    assert.is(r.code, 1);
    const events = r.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(
      events.map((e) => e.type),
      ['target', 'run-start', 'node-start', 'node-end', 'node-end', 'run-end'],
    );
    const depEnd = events.find((e) => e.type === 'node-end' && e.id === 'dep');
    assert.is(depEnd?.reason, 'blocked by bad (failed: broken)');
  } finally {
    restoreEnv();
  }
});

test('verify --report writes the Markdown, JSON and SVG from the checks, exit 1 when a check fails', async () => {
  const root = tempDir();
  process.env.PLATFORM_DIR = path.join(root, '.platform');
  try {
    const good = defineTask<PlatformContext>({
      id: '0-3',
      name: 'event-bus',
      title: 'bus',
      verify: async () => [
        check({
          proof: 'live',
          id: '0-3.rt',
          title: 'round trip',
          status: 'pass',
          criteria: ['0-3.ac8'],
          measured: 12,
          unit: 'ms',
          threshold: '< 1000',
        }),
      ],
    });
    const bad = defineTask<PlatformContext>({
      id: '0-4',
      name: 'metrics',
      title: 'metrics',
      verify: async () => {
        throw new Error('prometheus refused');
      },
    });
    const r = await cli(['verify', '--report', '--report-dir', root], () => [good, bad]);
    assert.is(r.code, 1);
    const md = path.join(root, 'docs/phase-0-validation-report.md');
    assert.ok(fs.existsSync(md));
    const text = fs.readFileSync(md, 'utf8');
    assert.match(
      text,
      '| 0-3.ac8: Test scripts verify produce/consume functionality | ✅ pass | live | 12 ms | < 1000 |',
    );
    assert.match(text, /0-4\.ac1: .*❌ fail.*task 0-4 verify failed \(prometheus refused\)/);
    assert.ok(fs.existsSync(path.join(root, 'validation/report.json')));
    assert.ok(fs.existsSync(path.join(root, 'docs/phase-0-timeline.svg')));
    assert.match(text, '![run timeline](phase-0-timeline.svg)');
  } finally {
    restoreEnv();
  }
});

function targetWithComponents(calls: string[]) {
  const t = fixtureTarget();
  for (const id of ['cluster', 'event-bus', 'metrics'] as const) {
    t.components[id] = {
      status: async () => true,
      up: async () => {},
      down: async () => void calls.push(id),
      rows: async () => [{ name: `${id}-proc`, state: 'running', pid: 4242, port: 1234 }],
    };
  }
  return t;
}

test('down stops components last-first; clean also removes data, logs and state but keeps the cache', async () => {
  const dir = tempDir();
  process.env.PLATFORM_DIR = dir;
  process.env.PLATFORM_CACHE = path.join(dir, 'cache');
  try {
    for (const sub of ['data/kafka', 'logs', 'run', 'cache/jars'])
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
    fs.writeFileSync(path.join(dir, 'state.json'), '{}');
    const calls: string[] = [];
    const runtime = {
      tasks: async () => [],
      chooseTarget: async () => ({ target: targetWithComponents(calls), why: 'test' }),
      loadEnv: async () => ({}),
    };
    const d = await cli(['down'], undefined, { runtime });
    assert.is(d.code, 0, d.err);
    assert.equal(calls, ['metrics', 'event-bus', 'cluster']);
    const c = await cli(['clean'], undefined, { runtime });
    assert.is(c.code, 0, c.err);
    assert.equal(fs.readdirSync(dir).sort(), ['cache']);
    assert.ok(fs.existsSync(path.join(dir, 'cache/jars')), 'downloaded tools survive clean');
  } finally {
    restoreEnv();
  }
});

test("status prints the process table from the components and each node's last outcome", async () => {
  process.env.PLATFORM_DIR = tempDir();
  try {
    const svc = defineTask<PlatformContext>({
      id: 'svc',
      name: 'svc',
      title: 'svc',
      run: async () => {
        throw new Error('nope');
      },
    });
    const runtime = {
      tasks: async () => [svc],
      chooseTarget: async () => ({ target: targetWithComponents([]), why: 'test' }),
      loadEnv: async () => ({}),
    };
    await cli(['up'], undefined, { runtime });
    const r = await cli(['status'], undefined, { runtime });
    assert.is(r.code, 0, r.err);
    assert.match(r.out, /NAME +STATE +PID +PORT/);
    assert.match(r.out, /event-bus-proc +running +4242 +1234/);
    assert.match(r.out, /svc +svc +failed .* nope/);
  } finally {
    restoreEnv();
  }
});

test.run();
