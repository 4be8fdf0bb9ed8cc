// The Go the builds use is asked once, up front: the machine's go is accepted, and a go older than
// go.minimum (manifests/versions.yaml) stops dev-setup with one line (exit 2) before any build or install starts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { goMinimum, requireGo } from '../../tasks/config/go.ts';
import { atLeast } from '../../tasks/config/version-compare.ts';

test("the machine's go is the one `go version` names, and new enough", async () => {
  const banner = execFileSync('go', ['version'], { encoding: 'utf8' });
  const v = await requireGo('this test');
  assert.ok(banner.startsWith(`go version go${v}`), `${banner} vs ${v}`);
  assert.ok(atLeast(v, goMinimum()));
});

test('dev-setup refuses a go older than go.minimum in one line, exit 2, before installing anything', () => {
  // Stands in for Debian 12's go 1.19.8 (apt's golang-go), whose real builds of these modules fail
  // with "go.mod:3: invalid go version '1.24.11': must match format 1.23", once per build.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'old-go-'));
  const platform = fs.mkdtempSync(path.join(os.tmpdir(), 'old-go-platform-'));
  try {
    fs.writeFileSync(path.join(bin, 'go'), '#!/bin/sh\necho "go version go1.19.8 linux/amd64"\n', { mode: 0o755 });
    const r = spawnSync(process.execPath, ['tasks.ts', 'dev-setup', '--target', 'native'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, PLATFORM_DIR: platform },
    });
    assert.is(r.status, 2, r.stdout + r.stderr);
    const errLines = r.stderr.trim().split('\n');
    assert.is(errLines.length, 1, r.stderr);
    assert.match(errLines[0]!, `go 1.19.8 (the first go on PATH) is older than ${goMinimum()}`);
    assert.not.match(r.stdout, /npm dependencies|\.env|building/, 'nothing after the go step ran');
    assert.not.ok(fs.existsSync(path.join(platform, 'dev-setup.json')), 'no setup record written');
  } finally {
    fs.rmSync(bin, { recursive: true, force: true });
    fs.rmSync(platform, { recursive: true, force: true });
  }
});

test.run();
