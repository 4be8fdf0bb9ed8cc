// The target is chosen in one place (tasks/cli/target-choice.ts) and handed to every command:
// each command that works on a target asks once, from the settings or (doctor) from none, and
// no other module of the orchestrator calls the chooser.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../tasks/cli/main.ts';
import { UsageError } from '../../tasks/engine/task.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { fixtureTarget } from '../fixtures/engine/target.ts';
import { tempDir } from '../fixtures/engine/nodes.ts';

/** Runs the CLI in-process with a chooser and settings loader that count their calls. */
async function counted(argv: string[], opts: { brokenEnv?: boolean } = {}) {
  const calls = { choose: [] as (string | undefined)[], loadEnv: 0, settingsSeen: [] as unknown[] };
  let out = '';
  let err = '';
  const prev = process.env.PLATFORM_DIR;
  process.env.PLATFORM_DIR = tempDir();
  try {
    const code = await main(argv, {
      signals: false,
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      runtime: {
        tasks: async () => [],
        loadEnv: async () => {
          calls.loadEnv++;
          if (opts.brokenEnv) throw new UsageError('.env:3: KAFKA_PORT must be a port number, got x');
          return { DEMO_PORT: '8123' };
        },
        chooseTarget: async (requested, settings) => {
          calls.choose.push(requested);
          calls.settingsSeen.push(await settings);
          return { target: fixtureTarget(), why: 'test fixture' };
        },
      },
    });
    return { code, out, err, calls };
  } finally {
    if (prev === undefined) delete process.env.PLATFORM_DIR;
    else process.env.PLATFORM_DIR = prev;
  }
}

test('a session command chooses once, from --target and the loaded settings', async () => {
  for (const argv of [['plan', '--target', 'native'], ['status', '--target', 'native'], ['down', '--target', 'native']]) {
    const r = await counted(argv);
    assert.is(r.code, 0, `${argv.join(' ')}: ${r.err}`);
    assert.equal(r.calls.choose, ['native'], argv.join(' '));
    assert.is(r.calls.loadEnv, 1, `${argv[0]} loads the settings once`);
    assert.equal(r.calls.settingsSeen, [{ DEMO_PORT: '8123' }], 'the target is built from those settings');
    assert.match(r.out, /target: native \(test fixture\)/);
  }
});

test('doctor chooses from no settings, so a broken .env does not stop it', async () => {
  const r = await counted(['doctor', '--target', 'native'], { brokenEnv: true });
  assert.not.equal(r.code, 2, r.err);
  assert.equal(r.calls.choose, ['native']);
  assert.is(r.calls.loadEnv, 0);
  assert.equal(r.calls.settingsSeen, [{}]);
  assert.match(r.out, /doctor: target native \(test fixture\)/);
});

test('a broken .env stops a session command with one line and exit 2', async () => {
  const r = await counted(['plan'], { brokenEnv: true });
  assert.is(r.code, 2);
  assert.is(r.err.trimEnd().split('\n').length, 1, r.err);
  assert.match(r.err, /KAFKA_PORT must be a port number/);
});

test('a command that works on no target never probes for one', async () => {
  const r = await counted(['list']);
  assert.is(r.code, 0, r.err);
  assert.equal(r.calls.choose, []);
  assert.is(r.calls.loadEnv, 0);
});

test('no module of the orchestrator but the chooser calls chooseTarget', () => {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && /\bchooseTarget\(/.test(fs.readFileSync(p, 'utf8'))) hits.push(path.relative(REPO_ROOT, p));
    }
  };
  for (const d of ['tasks', 'bench', 'scripts', 'validation']) walk(path.join(REPO_ROOT, d));
  // The definition, the runtime's default that imports it, and the one caller.
  assert.equal(hits.sort(), ['tasks/cli/runtime.ts', 'tasks/cli/target-choice.ts', 'tasks/targets/index.ts']);
});

test.run();
