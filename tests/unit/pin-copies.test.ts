// The pins of manifests/versions.yaml copied into files that cannot read it (tasks/config/pin-copies.ts)
// hold the file's values, a bump reaches every copy, scripts/ensure-node.sh (bash, before any node
// runs) reads the same Node pin, and no Go module asks for a newer go than the pinned one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { loadVersions, VERSIONS_FILE } from '../../tasks/config/versions.ts';
import { PIN_COPIES } from '../../tasks/config/pin-copies.ts';
import { UsageError } from '../../tasks/engine/task.ts';
import { atLeast } from '../../tasks/config/version-compare.ts';

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

test('every copy holds what manifests/versions.yaml pins (npx tsx scripts/sync-versions.ts writes them)', () => {
  const v = loadVersions();
  for (const { file, render } of PIN_COPIES) assert.is(render(read(file), v), read(file), file);
});

test('a Node bump reaches every Node copy, and only the pinned line changes', () => {
  const v = loadVersions();
  const bumped = { ...v, node: { version: '99.1.2', minimum: '98.7' } };
  const nodeCopies = PIN_COPIES.filter((c) => c.file !== 'manifests/compose/.env.docker');
  assert.ok(nodeCopies.length >= 5, 'package.json, two Dockerfiles, two workflows');
  for (const { file, render } of nodeCopies) {
    const before = read(file).split('\n');
    const after = render(read(file), bumped).split('\n');
    const changed = after.filter((l, i) => l !== before[i]);
    assert.is(changed.length, 1, `${file}: one line changes`);
    assert.match(changed[0]!, /99\.1\.2|98\.7/, file);
  }
});

test('a file that lost its pinned line is a configuration error naming it, not a silent skip', () => {
  const copy = PIN_COPIES.find((c) => c.file.endsWith('Dockerfile'))!;
  try {
    copy.render('FROM scratch\n', loadVersions());
    assert.unreachable('rendered a Dockerfile without NODE_VERSION');
  } catch (e) {
    assert.instance(e, UsageError);
    assert.match((e as Error).message, copy.file);
  }
});

test("no go.mod asks for a newer go than go.version, and the one ci.yml's setup-go reads names it", () => {
  const { version } = loadVersions().go;
  const mods = ['manifests/native', 'scripts'].flatMap((dir) =>
    readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(REPO_ROOT, dir, d.name, 'go.mod')))
      .map((d) => `${dir}/${d.name}/go.mod`),
  );
  assert.ok(mods.length >= 7, mods.join(', '));
  for (const mod of mods) {
    const want = /^go (\S+)$/m.exec(read(mod))?.[1];
    assert.ok(want && atLeast(version, want), `${mod}: go ${want} is newer than go.version ${version}`);
  }
  const ci = read('.github/workflows/ci.yml');
  const files = [...ci.matchAll(/go-version-file: (\S+)/g)].map((m) => m[1]!);
  assert.ok(files.length > 0);
  for (const f of files) assert.is(/^go (\S+)$/m.exec(read(f))?.[1], version, `${f} (ci.yml's setup-go)`);
});

test('scripts/ensure-node.sh reads the same Node pin from the versions file', () => {
  const out = execFileSync('bash', [path.join(REPO_ROOT, 'scripts/ensure-node.sh'), '--pinned'], { encoding: 'utf8' });
  assert.is(out.trim(), loadVersions().node.version);
});

test('scripts/ensure-node.sh refuses a versions file without the node block (exit 2, naming it)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ensure-node-'));
  try {
    mkdirSync(path.join(dir, 'scripts', 'lib'), { recursive: true });
    mkdirSync(path.join(dir, 'manifests'));
    for (const f of ['ensure-node.sh', 'lib/pins.sh'])
      copyFileSync(path.join(REPO_ROOT, 'scripts', f), path.join(dir, 'scripts', f));
    writeFileSync(path.join(dir, VERSIONS_FILE), read(VERSIONS_FILE).replace(/^node:\n(?: {2}.*\n)+/m, ''));
    const r = spawnSync('bash', [path.join(dir, 'scripts/ensure-node.sh')], { encoding: 'utf8' });
    assert.is(r.status, 2);
    assert.match(r.stderr, /versions\.yaml has no node\.version/);
    assert.is(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
