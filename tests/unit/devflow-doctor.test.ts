// doctor's probing against real commands on this machine: version parsing, the minimum-version
// comparison, missing and too-old tools, and the command's exit code following its table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { atLeast, formatTable, parseVersion, probe, toolReady, toolsFor } from '../../tasks/config/tools.ts';
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import { main } from '../../tasks/cli/main.ts';

test('versions are read from the banners tools print', () => {
  assert.is(parseVersion('openjdk version "17.0.15" 2025-04-15'), '17.0.15');
  assert.is(parseVersion('go version go1.26.8 linux/amd64'), '1.26.8');
  assert.is(parseVersion('\u001b[1mApache Maven 3.8.7\u001b[m'), '3.8.7');
  assert.is(parseVersion('v24.11.1'), '24.11.1');
  assert.is(parseVersion('no digits'), undefined);
});

test('versions compare by numeric parts, not as text', () => {
  assert.ok(atLeast('17.0.15', '17'));
  assert.ok(atLeast('22.13.0', '22.13'));
  assert.ok(atLeast('3.10', '3.9'));
  assert.not.ok(atLeast('20.19.1', '22.13'));
  assert.not.ok(atLeast('3.9', '3.10'));
  assert.ok(atLeast('5.9.0', 'v5.9.0'), 'a v prefix on the minimum is ignored');
  assert.not.ok(atLeast('5.8.3', 'v5.9.0'));
});

test('a real tool is found with its version; a missing one and a too-old one say how to get them', async () => {
  const git = await probe({ name: 'git', min: '2', versionCmd: ['git', '--version'], install: 'apt-get install git' });
  assert.is(git.status, 'ok');
  assert.match(git.found, /^\d+\.\d+/);
  const missing = await probe({ name: 'nope', versionCmd: ['definitely-not-installed-tool-x', '--version'], install: 'get nope' });
  assert.is(missing.status, 'missing');
  assert.is(missing.found, '-');
  const old = await probe({ name: 'git', min: '999', versionCmd: ['git', '--version'], install: 'upgrade git' });
  assert.is(old.status, 'too old');
  const table = formatTable([git, missing, old]).join('\n');
  assert.match(table, /^tool\s+required\s+found\s+status\s+how to get it/);
  assert.match(table, /nope\s+any\s+-\s+missing\s+get nope/);
  assert.match(table, /git\s+>= 999\s+\S+\s+too old\s+upgrade git/);
});

test('a missing tool that is built on first use (gitleaks after a bare up) is ready, and says what builds it', async () => {
  const later = await probe({
    name: 'later',
    versionCmd: ['definitely-not-installed-tool-x', '--version'],
    install: 'make dev-setup',
    firstUse: 'not built yet: the first commit builds it',
  });
  assert.is(later.status, 'on first use');
  assert.ok(toolReady(later));
  assert.not.ok(toolReady({ status: 'missing' }));
  assert.not.ok(toolReady({ status: 'too old' }));
  assert.match(formatTable([later]).join('\n'), /later\s+any\s+-\s+on first use\s+not built yet: the first commit builds it/);
  const gitleaks = toolsFor(nativeTarget({})).find((t) => t.name === 'gitleaks');
  assert.ok(gitleaks?.firstUse, 'gitleaks is built on first use, so doctor does not fail a bare up for it');
});

test('the native target needs java >= 17, mvn, prometheus and alertmanager besides the common tools; promtool and helm are check tools', () => {
  const names = toolsFor(nativeTarget({})).map((t) => t.name);
  for (const n of ['node', 'npm', 'git', 'go', 'gitleaks', 'java', 'mvn', 'prometheus', 'alertmanager']) assert.ok(names.includes(n), n);
  assert.not.ok(names.includes('helm'));
  assert.not.ok(names.includes('promtool'), 'up does not build promtool, so doctor must not require it');
  assert.ok(toolsFor({ name: 'k3d', tools: [] }).some((t) => t.name === 'helm'), 'k3d needs helm');
  const k3dOwn = toolsFor({ name: 'k3d', tools: [{ name: 'docker', versionCmd: ['docker', 'version'], install: 'x' }] }).map((t) => t.name);
  assert.ok(k3dOwn.includes('docker engine'), 'a Docker target always checks that the engine answers');
});

test('doctor --target native prints the table and exits 1 exactly when a row is not ok', async () => {
  let text = '';
  const code = await main(['doctor', '--target', 'native'], { signals: false, stdout: (t) => (text += t), stderr: () => {} });
  const out = text.split('\n');
  assert.match(text, /doctor: target native \(chosen with --target\)/);
  assert.match(text, /\njava\s+>= 17\s+\d+/);
  const rows = out.slice(2).filter((l) => /\s(ok|missing|too old|on first use)(\s|$)/.test(l));
  const bad = rows.filter((l) => /\s(missing|too old)(\s|$)/.test(l));
  assert.is(code, bad.length > 0 ? 1 : 0, text);
});

test.run();
