// The secret canary: unique secret values in the .env of a scratch clone, then `up 0-1`,
// `verify … --report --json`, `verify` (plain), `secrets-to-k8s --apply` without a cluster and a
// failing command. No output and no file the tool wrote may contain a value (raw or base64).
// The clone links this checkout's node_modules and tools cache; dev-setup leaves a linked
// node_modules alone, so nothing here can touch the working tree it came from.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';

const token = () => randomBytes(16).toString('hex');
const canaries = {
  GRAFANA_ADMIN_PASSWORD: `cnryG${token()}`,
  ALPACA_API_KEY: `CNRY${token().toUpperCase()}`,
  ALPACA_SECRET_KEY: `cnryS${token()}`,
  dbPassword: `cnryD${token()}`,
};
const needles = Object.values(canaries).flatMap((v) => [v, Buffer.from(v).toString('base64')]);

function filesUnder(dir: string, skip: (p: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (skip(p)) continue;
    if (e.isDirectory()) out.push(...filesUnder(p, skip));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

test('no secret value appears in any output or any file the tool wrote', async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-canary-'));
  const clone = path.join(work, 'clone');
  const platform = path.join(work, 'platform');
  const reportDir = path.join(work, 'report');
  try {
    await execa('git', ['clone', '-q', '--no-hardlinks', REPO_ROOT, clone]);
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'));
    // Belt and braces besides dev-setup's own guard: an old lockfile never looks newer than the install.
    fs.utimesSync(path.join(clone, 'package-lock.json'), 0, 0);
    fs.mkdirSync(reportDir);
    fs.writeFileSync(path.join(clone, '.env'), [
      `GRAFANA_ADMIN_PASSWORD=${canaries.GRAFANA_ADMIN_PASSWORD}`,
      `ALPACA_API_KEY=${canaries.ALPACA_API_KEY}`,
      `ALPACA_SECRET_KEY=${canaries.ALPACA_SECRET_KEY}`,
      `DATABASE_URL=postgresql://app:${canaries.dbPassword}@localhost:5432/app`,
      '',
    ].join('\n'));
    const env = { PLATFORM_DIR: platform, PLATFORM_CACHE: resolvePaths().cache, CI: 'true' };
    const run = (...args: string[]) =>
      execa('npx', ['tsx', 'tasks.ts', ...args], { cwd: clone, env, reject: false, all: true, timeout: 300_000 });

    const results = [
      await run('up', '0-1', '--target', 'native'),
      await run('verify', '0-1', '0-8', '0-9', '0-12', '--target', 'native', '--report', '--report-dir', reportDir, '--json'),
      await run('verify', '0-9', '--target', 'native'),
      await run('secrets-to-k8s', '--apply', '--namespace', 'canary-no-cluster'),
      await run('up', '0-99'),
    ];
    assert.is(results[4]!.exitCode, 2, 'the failing command fails');
    assert.ok(fs.existsSync(path.join(reportDir, 'validation', 'report.json')), `report written:\n${results[1]!.all?.slice(-2000)}`);
    assert.match(results[1]!.all ?? '', /"type"/, 'the --json run printed events');

    for (const [i, r] of results.entries()) {
      for (const n of needles) assert.not.ok((r.all ?? '').includes(n), `output of command ${i} contains a canary`);
    }
    const written = [
      ...filesUnder(platform, () => false),
      ...filesUnder(reportDir, () => false),
      ...filesUnder(clone, (p) => p === path.join(clone, '.git') || p === path.join(clone, 'node_modules') || p === path.join(clone, '.env')),
    ];
    assert.ok(written.some((f) => f.startsWith(platform)), 'the tool wrote state under PLATFORM_DIR');
    const leaks = written.filter((f) => {
      const text = fs.readFileSync(f, 'latin1');
      return needles.some((n) => text.includes(n));
    });
    assert.equal(leaks.map((f) => path.relative(work, f)), []);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test.run();
