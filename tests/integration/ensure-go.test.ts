// scripts/ensure-go.sh where the machine's go is too old: it fetches the pinned toolchain from the
// Go module proxy (a real download, ~70 MB), checks it against the pinned sha256, and the go it
// unpacks builds a real module. Run in a temp copy of the scripts and the versions file, so the
// checkout's .tools/go is neither used nor touched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { loadVersions, VERSIONS_FILE } from '../../tasks/config/versions.ts';

/** A temp root with ensure-go.sh and what it sources or runs, `versions` as its versions file; a go 1.19.8 first on PATH. */
function sandbox(versions: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ensure-go-'));
  fs.mkdirSync(path.join(root, 'scripts', 'lib'), { recursive: true });
  fs.mkdirSync(path.join(root, 'manifests'));
  fs.mkdirSync(path.join(root, 'old-go'));
  for (const f of ['ensure-go.sh', 'heartbeat.sh', 'lib/pins.sh'])
    fs.copyFileSync(path.join(REPO_ROOT, 'scripts', f), path.join(root, 'scripts', f));
  fs.writeFileSync(path.join(root, VERSIONS_FILE), versions);
  // Masks whatever go the machine has, as Debian 12's golang-go (1.19.8) would.
  fs.writeFileSync(path.join(root, 'old-go', 'go'), '#!/bin/sh\necho "go version go1.19.8 linux/amd64"\n', { mode: 0o755 });
  const run = (...args: string[]) =>
    spawnSync('bash', [path.join(root, 'scripts', 'ensure-go.sh'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${path.join(root, 'old-go')}${path.delimiter}${process.env.PATH}` },
      timeout: 300_000,
    });
  return { root, run, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

test('too old a go on PATH: the pinned Go is fetched, checked, unpacked, and builds a module', () => {
  const v = loadVersions().go;
  const s = sandbox(fs.readFileSync(path.join(REPO_ROOT, VERSIONS_FILE), 'utf8'));
  try {
    const r = s.run();
    assert.is(r.status, 0, r.stderr);
    const bin = r.stdout.trim();
    assert.is(bin, path.join(s.root, '.tools', 'go', 'bin'));
    assert.match(r.stderr, `go version go1.19.8 linux/amd64 on PATH (< ${v.minimum}); fetching Go ${v.version}`);
    const go = path.join(bin, 'go');
    assert.match(execFileSync(go, ['version'], { encoding: 'utf8' }), `go version go${v.version} `);
    // The unpacked toolchain compiles (its tools are executable, its GOROOT is where it was put).
    const mod = path.join(s.root, 'hello');
    fs.mkdirSync(mod);
    fs.writeFileSync(path.join(mod, 'go.mod'), 'module hello\n\ngo 1.24\n');
    fs.writeFileSync(path.join(mod, 'main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello from go") }\n');
    const out = execFileSync(go, ['run', '.'], { cwd: mod, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    assert.is(out.trim(), 'hello from go');
    // A second call finds it and downloads nothing.
    const again = s.run();
    assert.is(again.stdout.trim(), bin);
    assert.is(again.stderr, '');
  } finally {
    s.cleanup();
  }
});

test('a download whose sha256 is not the pinned one is refused and nothing is installed', () => {
  const text = fs.readFileSync(path.join(REPO_ROOT, VERSIONS_FILE), 'utf8');
  const arch = os.arch() === 'arm64' ? 'arm64' : 'amd64';
  const s = sandbox(text.replace(new RegExp(`(linux-${arch}: )[0-9a-f]{64}`), `$1${'0'.repeat(64)}`));
  try {
    const r = s.run();
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, `sha256 is not go.sha256.linux-${arch}`);
    assert.is(r.stdout, '');
    assert.not.ok(fs.existsSync(path.join(s.root, '.tools', 'go')), 'nothing unpacked');
  } finally {
    s.cleanup();
  }
});

test('--pinned prints go.version; a versions file without the go block is exit 2', () => {
  const text = fs.readFileSync(path.join(REPO_ROOT, VERSIONS_FILE), 'utf8');
  const ok = sandbox(text);
  const broken = sandbox(text.replace(/^go:\n(?: {2}.*\n)+/m, ''));
  try {
    assert.is(ok.run('--pinned').stdout.trim(), loadVersions().go.version);
    const r = broken.run();
    assert.is(r.status, 2);
    assert.match(r.stderr, /versions\.yaml has no go\.version/);
  } finally {
    ok.cleanup();
    broken.cleanup();
  }
});

test.run();
