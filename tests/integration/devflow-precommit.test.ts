// The pre-commit secret scan, in a real temporary git repository with the real hook and the
// real gitleaks binary: a commit adding realistic fake keys is blocked naming file and line;
// a clean commit passes. The fake keys are assembled at run time so this file holds no literal
// the project's own scan would flag.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolvePaths, REPO_ROOT } from '../../tasks/paths.ts';
import { gitleaksBuilt, installGitHooks } from '../../tasks/config/gitleaks.ts';

const gitleaks = path.join(resolvePaths().cache, 'bin', 'gitleaks');
const alnum = (n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') =>
  Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
const b64ish = (n: number) => randomBytes(n).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, n);

async function tempRepo(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-hook-'));
  const git = (...a: string[]) => execa('git', a, { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'dev@example.invalid');
  await git('config', 'user.name', 'Dev');
  fs.cpSync(path.join(REPO_ROOT, '.githooks'), path.join(dir, '.githooks'), { recursive: true });
  await git('config', 'core.hooksPath', '.githooks');
  return dir;
}

const commit = (dir: string, file: string, text: string) => {
  fs.writeFileSync(path.join(dir, file), text);
  return execa('sh', ['-c', `git add ${file} && git commit -qm "add ${file}"`], {
    cwd: dir, reject: false, env: { GITLEAKS: gitleaks },
  });
};

test('gitleaks is installed in the tools cache (scripts/install-git-hooks.sh)', () => {
  assert.ok(fs.existsSync(gitleaks), `missing ${gitleaks}: run scripts/install-git-hooks.sh`);
});

test('a commit adding an AWS key pair and a Stripe live key is blocked, naming file and line', async () => {
  const dir = await tempRepo();
  try {
    const awsId = `AKIA${alnum(16)}`;
    const awsSecret = b64ish(40);
    const stripe = `sk_${'live'}_${b64ish(48)}`;
    const text = `[default]\nregion = eu-west-1\naws_access_key_id = ${awsId}\naws_secret_access_key = ${awsSecret}\nstripe_key = "${stripe}"\n`;
    const r = await commit(dir, 'credentials.ini', text);
    assert.is.not(r.exitCode, 0, 'the commit must fail');
    assert.match(r.stderr, /commit blocked/);
    assert.match(r.stderr, /credentials\.ini:3\s+aws-access-token/);
    assert.match(r.stderr, /credentials\.ini:5\s+stripe-access-token/);
    for (const s of [awsId, awsSecret, stripe]) assert.not.ok(r.stderr.includes(s) || r.stdout.includes(s), 'no secret echoed');
    const log = await execa('git', ['rev-list', '--all', '--count'], { cwd: dir, reject: false });
    assert.is(log.stdout.trim() || '0', '0', 'nothing was committed');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a clean commit passes the hook', async () => {
  const dir = await tempRepo();
  try {
    const r = await commit(dir, 'app.ts', "export const greeting = 'hello';\nexport const port = Number(process.env.DEMO_PORT ?? 8000);\n");
    assert.is(r.exitCode, 0, r.stderr);
    const log = await execa('git', ['log', '--oneline'], { cwd: dir });
    assert.match(log.stdout, /add app\.ts/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("up's hooks-only install turns the hook on and leaves the gitleaks build to the first commit, which builds it", async () => {
  const dir = await tempRepo();
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-cache-'));
  try {
    await execa('git', ['config', '--unset', 'core.hooksPath'], { cwd: dir });
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.copyFileSync(path.join(REPO_ROOT, 'scripts', 'install-git-hooks.sh'), path.join(dir, 'scripts', 'install-git-hooks.sh'));
    const up = await installGitHooks(dir, cache, { build: false });
    assert.is(up.exitCode, 0, up.lines.join('\n'));
    assert.match(up.lines.join('\n'), /core\.hooksPath set to \.githooks[\s\S]*not built yet: the first commit builds it/);
    assert.is((await execa('git', ['config', '--get', 'core.hooksPath'], { cwd: dir })).stdout, '.githooks');
    assert.not.ok(gitleaksBuilt(cache), 'the hooks-only install builds nothing');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'hello\n');
    // Go's caches are the machine's (warm after dev-setup): the build here is a link, seconds.
    const r = await execa('sh', ['-c', 'git add a.txt && git commit -qm a'], { cwd: dir, reject: false, env: { PLATFORM_CACHE: cache } });
    assert.is(r.exitCode, 0, r.stderr);
    assert.match(r.stderr, /gitleaks is not built yet; building it once/);
    assert.ok(gitleaksBuilt(cache), 'the first commit built gitleaks into the tools cache');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('without gitleaks the hook blocks with the instruction to run dev-setup', async () => {
  const dir = await tempRepo();
  try {
    fs.writeFileSync(path.join(dir, 'a.txt'), 'x\n');
    const r = await execa('sh', ['-c', 'git add a.txt && git commit -qm a'], {
      cwd: dir, reject: false,
      env: { GITLEAKS: '/nonexistent/gitleaks', PLATFORM_CACHE: dir, PATH: '/usr/bin:/bin' },
    });
    assert.is.not(r.exitCode, 0);
    assert.match(r.stderr, /gitleaks not found .*make dev-setup/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
