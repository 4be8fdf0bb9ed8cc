// dev-setup in a scratch checkout (real git, real hook installer, real gitleaks from the tools
// cache): the first run creates .env with random local passwords and installs the hooks; the
// second run changes nothing. The target is a recording stand-in (its components only count
// install calls): the real targets' installs (Kafka jars, Prometheus) are tested by their owners.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'dotenv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';
import { runSetup, setupRecordPath, type SetupRecord } from '../../tasks/config/setup.ts';
import { SETTINGS } from '../../tasks/config/settings.ts';
import type { PlatformContext } from '../../tasks/context.ts';
import type { Target } from '../../tasks/targets/target.ts';

async function scratchCheckout(): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-setup-'));
  for (const f of ['.env.example', 'package.json', 'package-lock.json', '.githooks', 'scripts/install-git-hooks.sh']) {
    fs.cpSync(path.join(REPO_ROOT, f), path.join(root, f), { recursive: true });
  }
  // An up-to-date install record: the npm step must see it and not run npm ci.
  fs.mkdirSync(path.join(root, 'node_modules'));
  fs.writeFileSync(path.join(root, 'node_modules', '.package-lock.json'), '{}');
  await execa('git', ['init', '-q'], { cwd: root });
  return root;
}

function context(root: string, installs: string[]): PlatformContext {
  const platform = path.join(root, '.platform');
  const logFile = path.join(platform, 'dev-setup.log');
  fs.mkdirSync(platform, { recursive: true });
  const target: Target<PlatformContext> = {
    name: 'native',
    describe: 'recording stand-in target for the setup flow',
    endpoints: () => { throw new Error('not used'); },
    components: {
      // Reports a download the first time, as the Kafka jars' install does, and none after.
      'event-bus': {
        install: async () => {
          installs.push('event-bus');
          return { changed: installs.length === 1, detail: installs.length === 1 ? 'fetched' : 'cached' };
        },
        status: async () => true,
        up: async () => {},
      },
      metrics: { status: async () => true, up: async () => {} },
    },
    tools: [],
  };
  return {
    signal: new AbortController().signal,
    log: (l) => fs.appendFileSync(logFile, l + '\n'),
    logFile,
    target,
    env: {},
    paths: { ...resolvePaths({ PLATFORM_DIR: platform }), root, cache: resolvePaths().cache },
  };
}

test('first run: .env with random passwords, hooks installed, components installed; second run changes nothing', async () => {
  const root = await scratchCheckout();
  try {
    const installs: string[] = [];
    const ctx = context(root, installs);
    const first = await runSetup(ctx);
    const envFile = path.join(root, '.env');
    const env1 = fs.readFileSync(envFile, 'utf8');
    const values = parse(env1);
    assert.equal(Object.keys(values).sort(), Object.keys(SETTINGS).sort());
    assert.ok(values.GRAFANA_ADMIN_PASSWORD!.length >= 20, 'a generated password');
    assert.not.match(env1, /^[^#].*<generated>/m);
    assert.not.ok(/^GRAFANA_ADMIN_PASSWORD=admin$/m.test(env1));
    assert.match(values.DATABASE_URL!, /^postgresql:\/\/exampleapp:[A-Za-z0-9_-]{20,}@localhost:5432\/exampleapp$/);
    assert.is((fs.statSync(envFile).mode & 0o777).toString(8), '600');
    const hooks = await execa('git', ['config', '--get', 'core.hooksPath'], { cwd: root });
    assert.is(hooks.stdout.trim(), '.githooks');
    assert.equal(installs, ['event-bus']);
    assert.ok(first.steps.find((s) => s.name === '.env')!.changed);
    assert.ok(first.steps.find((s) => s.name === 'git hooks')!.changed);
    assert.not.ok(first.steps.find((s) => s.name === 'npm dependencies')!.changed);
    const bus = first.steps.find((s) => s.name === 'native event-bus');
    assert.ok(bus?.changed && bus.detail === 'fetched', `an install that reports a download is a change: ${JSON.stringify(bus)}`);

    // A second clone of the same checkout must get different passwords.
    const other = await scratchCheckout();
    try {
      await runSetup(context(other, []));
      assert.is.not(parse(fs.readFileSync(path.join(other, '.env'), 'utf8')).GRAFANA_ADMIN_PASSWORD, values.GRAFANA_ADMIN_PASSWORD);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }

    const second = await runSetup(ctx);
    assert.equal(second.steps.filter((s) => s.changed).map((s) => s.name), []);
    assert.is(fs.readFileSync(envFile, 'utf8'), env1, '.env untouched');
    const rec = JSON.parse(fs.readFileSync(setupRecordPath(ctx), 'utf8')) as SetupRecord;
    assert.is(rec.target, 'native');
    assert.ok(rec.steps.length >= 5);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('an existing .env is never overwritten, even one the schema rejects', async () => {
  const root = await scratchCheckout();
  try {
    fs.writeFileSync(path.join(root, '.env'), 'KAFKA_PORT=not-a-port\n');
    const err = await runSetup(context(root, [])).then(() => undefined, (e: Error) => e);
    assert.ok(err, 'setup fails on the invalid .env');
    assert.match(err!.message, /\.env:1: KAFKA_PORT must be a TCP port/);
    assert.is(fs.readFileSync(path.join(root, '.env'), 'utf8'), 'KAFKA_PORT=not-a-port\n');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test.run();
