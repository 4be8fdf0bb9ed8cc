// secrets-to-k8s through the real CLI: piped, it prints the Secret; with stdout redirected into
// the repository it refuses (exit 2) and the file stays empty, so the Secret cannot be committed.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../../tasks/paths.ts';

const password = `S${randomBytes(12).toString('hex')}`;

test('piped output is the Secret; output redirected into the repository is refused', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-k8s-cli-'));
  // Inside the repository but gitignored, and removed below: the place a careless redirect would land.
  const inRepo = path.join(REPO_ROOT, 'node_modules', `.devflow-secret-${randomBytes(4).toString('hex')}.yaml`);
  try {
    const envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, `GRAFANA_ADMIN_PASSWORD=${password}\n`);
    const piped = await execa('npx', ['tsx', 'tasks.ts', 'secrets-to-k8s', '--env-file', envFile], { cwd: REPO_ROOT, reject: false });
    assert.is(piped.exitCode, 0, piped.stderr);
    const doc = parse(piped.stdout) as { kind: string; metadata: { name: string }; data: Record<string, string> };
    assert.is(doc.kind, 'Secret');
    assert.is(doc.metadata.name, 'app-secrets');
    assert.is(Buffer.from(doc.data.GRAFANA_ADMIN_PASSWORD!, 'base64').toString(), password);
    assert.not.ok(piped.stdout.includes(password) || piped.stderr.includes(password));

    const redirected = await execa('sh', ['-c', `npx tsx tasks.ts secrets-to-k8s --env-file "${envFile}" > "${inRepo}"`], { cwd: REPO_ROOT, reject: false });
    assert.is(redirected.exitCode, 2);
    assert.match(redirected.stderr, /refusing to write the Secret into the repository/);
    assert.is(fs.readFileSync(inRepo, 'utf8'), '', 'nothing was written');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(inRepo, { force: true });
  }
});

test.run();
