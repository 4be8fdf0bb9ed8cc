// No secrets in git history (seed 0-9): gitleaks over every commit of this repository, as
// security.yml does in CI. Known test fixtures are listed by fingerprint in .gitleaksignore.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';

const gitleaks = path.join(resolvePaths().cache, 'bin', 'gitleaks');

test('gitleaks finds no secret in any commit', async () => {
  assert.ok(fs.existsSync(gitleaks), `missing ${gitleaks}: run make dev-setup`);
  const shallow = await execa('git', ['rev-parse', '--is-shallow-repository'], { cwd: REPO_ROOT });
  assert.is(shallow.stdout.trim(), 'false', 'a shallow clone would hide history from the scan');
  const r = await execa(gitleaks, ['git', '--redact', '--no-banner', '--no-color', '--log-level', 'error', '--report-format', 'json', '--report-path', '-', REPO_ROOT], { cwd: REPO_ROOT, reject: false }); // .gitleaksignore is read from the cwd
  const findings = r.exitCode === 1 ? (JSON.parse(r.stdout) as { File: string; StartLine: number; Commit: string; RuleID: string; Fingerprint: string }[]) : [];
  assert.equal(findings.map((f) => `${f.Fingerprint} (${f.RuleID})`), [], 'real key: rotate it; fixture: build it at run time, or add the fingerprint to .gitleaksignore');
  assert.is(r.exitCode, 0, r.stderr);
});

test.run();
