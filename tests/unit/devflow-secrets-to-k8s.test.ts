// secrets-to-k8s renders the secret settings of a .env as a Kubernetes Secret (kubectl-free:
// the YAML is parsed and decoded here). Non-secret settings stay out of it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { loadSettings } from '../../tasks/config/settings.ts';
import { renderSecret } from '../../tasks/config/k8s-secret.ts';
import { secretsToK8sCommand } from '../../tasks/cli/commands/secrets-to-k8s.ts';
import type { CliIO } from '../../tasks/cli/command.ts';

// secrets-to-k8s reads only the .env it is given: asking for a target fails the test.
const noTarget = () => Promise.reject(new Error('secrets-to-k8s asked for a target'));

const password = `G${randomBytes(12).toString('hex')}`;
const dbPassword = randomBytes(9).toString('hex');

function withRoot(fn: (root: string) => Promise<void> | void) {
  return async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-k8s-'));
    try {
      fs.writeFileSync(
        path.join(root, '.env'),
        `KAFKA_PORT=19092\nGRAFANA_ADMIN_PASSWORD=${password}\nDATABASE_URL=postgresql://app:${dbPassword}@db:5432/app\n`,
      );
      await fn(root);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  };
}

interface Doc {
  apiVersion: string;
  kind: string;
  type: string;
  metadata: { name: string; namespace: string };
  data: Record<string, string>;
}
const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

test('the Secret is app-secrets in services, Opaque, with exactly the secret keys base64-encoded', withRoot((root) => {
  const doc = parse(renderSecret(loadSettings({ root, env: {} }))) as Doc;
  assert.is(doc.apiVersion, 'v1');
  assert.is(doc.kind, 'Secret');
  assert.is(doc.type, 'Opaque');
  assert.is(doc.metadata.name, 'app-secrets');
  assert.is(doc.metadata.namespace, 'services');
  assert.equal(Object.keys(doc.data).sort(), ['DATABASE_URL', 'GRAFANA_ADMIN_PASSWORD']);
  assert.is(decode(doc.data.GRAFANA_ADMIN_PASSWORD!), password);
  assert.is(decode(doc.data.DATABASE_URL!), `postgresql://app:${dbPassword}@db:5432/app`);
}));

test('the command prints the manifest, with name and namespace options, and no plain secret', withRoot(async (root) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), event: () => {}, json: false, signal: new AbortController().signal, target: noTarget };
  const code = await secretsToK8sCommand.run(
    { positionals: [], values: { 'env-file': path.join(root, '.env'), namespace: 'staging', name: 'demo-secrets' } },
    io,
  );
  assert.is(code, 0);
  const doc = parse(out.join('\n')) as Doc;
  assert.is(doc.metadata.namespace, 'staging');
  assert.is(doc.metadata.name, 'demo-secrets');
  assert.is(decode(doc.data.GRAFANA_ADMIN_PASSWORD!), password);
  const all = [...out, ...err].join('\n');
  assert.not.ok(all.includes(password) || all.includes(dbPassword), 'no plain secret in the output');
  assert.match(err.join('\n'), /rendered 2 keys \(GRAFANA_ADMIN_PASSWORD, DATABASE_URL\)/);
  assert.equal(fs.readdirSync(root), ['.env'], 'nothing written beside the .env');
}));

test('a missing .env is a usage error that says how to create it', async () => {
  const io: CliIO = { out: () => {}, err: () => {}, event: () => {}, json: false, signal: new AbortController().signal, target: noTarget };
  try {
    await secretsToK8sCommand.run({ positionals: [], values: { 'env-file': '/nonexistent/dir/.env' } }, io);
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.match((e as Error).message, /not found; run `make dev-setup`/);
  }
});

test.run();
