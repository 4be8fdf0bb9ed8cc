// The typed settings loader: schema over .env + environment, errors that name key, rule and
// file:line but never the value, and secret values registered for redaction.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'dotenv';
import { loadSettings, SETTINGS, SECRET_KEYS, GENERATED } from '../../tasks/config/settings.ts';
import { redact } from '../../tasks/config/redact.ts';
import { UsageError } from '../../tasks/engine/task.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';

function withEnvFile(text: string, fn: (root: string) => void): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-settings-'));
  try {
    fs.writeFileSync(path.join(root, '.env'), text);
    fn(root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, UsageError);
    return e as UsageError;
  }
  throw new assert.Assertion({ message: 'expected a UsageError', operator: 'throws', generated: false, expects: 'UsageError', actual: 'nothing thrown' });
}

test('defaults apply when there is no .env and the environment is empty', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-settings-'));
  try {
    const s = loadSettings({ root, env: {} });
    assert.is(s.KAFKA_PORT, '19092');
    assert.is(s.PROMETHEUS_PORT, '9090');
    assert.is(s.LOG_LEVEL, 'info');
    assert.is(s.GRAFANA_ADMIN_PASSWORD, undefined);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('the environment wins over .env for known keys; unknown environment keys are ignored', () => {
  withEnvFile('KAFKA_PORT=29092\nLOG_LEVEL=debug\n', (root) => {
    const s = loadSettings({ root, env: { KAFKA_PORT: '39092', PATH: '/usr/bin' } });
    assert.is(s.KAFKA_PORT, '39092');
    assert.is(s.LOG_LEVEL, 'debug');
    assert.is(s.PATH, undefined);
  });
});

test('a malformed port names key, rule and file:line, never the value', () => {
  withEnvFile('# comment\nLOG_LEVEL=info\nKAFKA_PORT=99999x\n', (root) => {
    const e = usageError(() => loadSettings({ root, env: {} }));
    assert.match(e.message, /\.env:3: KAFKA_PORT must be a TCP port 1-65535/);
    assert.not.match(e.message, /99999x/);
  });
});

test('a malformed secret is reported without its value, and the value is registered for redaction', () => {
  const value = 'short pw';
  withEnvFile(`GRAFANA_ADMIN_PASSWORD=${value}\n`, (root) => {
    const e = usageError(() => loadSettings({ root, env: {} }));
    assert.match(e.message, /\.env:1: GRAFANA_ADMIN_PASSWORD must be at least 12 characters/);
    assert.not.ok(e.message.includes(value));
    assert.is(redact(`login with ${value} now`), 'login with *** now');
  });
});

test('an unknown key names the key and its line', () => {
  withEnvFile('KAFKA_PORT=19092\nKAFAK_PORT=19093\n', (root) => {
    const e = usageError(() => loadSettings({ root, env: {} }));
    assert.match(e.message, /\.env:2: unknown key KAFAK_PORT/);
  });
});

test('a line that is not KEY=value is reported with its line number', () => {
  withEnvFile('KAFKA_PORT=19092\nthis is not a setting\n', (root) => {
    const e = usageError(() => loadSettings({ root, env: {} }));
    assert.match(e.message, /\.env:2: malformed line/);
  });
});

test('a required key that is missing is named', () => {
  withEnvFile('KAFKA_PORT=19092\n', (root) => {
    const e = usageError(() => loadSettings({ root, env: {}, require: ['ALPACA_API_KEY'] }));
    assert.match(e.message, /ALPACA_API_KEY is required/);
  });
});

test('a leftover <generated> placeholder is an error that says to run dev-setup', () => {
  withEnvFile(`DATABASE_URL=postgresql://u:${GENERATED}@localhost:5432/db\n`, (root) => {
    const e = usageError(() => loadSettings({ root, env: {} }));
    assert.match(e.message, /\.env:1: DATABASE_URL still holds the <generated> placeholder; run `make dev-setup`/);
  });
});

test('secrets from the environment and the password inside a URL are redacted', () => {
  // Made at run time so the secret scanner has no literal to flag in this file.
  const apiKey = `PK${randomBytes(8).toString('hex').toUpperCase()}`;
  const dbPassword = `Pw${randomBytes(6).toString('hex')}`;
  withEnvFile(`DATABASE_URL=postgresql://app:${dbPassword}@localhost:5432/app\n`, (root) => {
    const s = loadSettings({ root, env: { ALPACA_API_KEY: apiKey } });
    assert.is(s.ALPACA_API_KEY, apiKey);
    assert.is(redact(`key ${apiKey}`), 'key ***');
    assert.is(redact(`auth failed for password ${dbPassword}`), 'auth failed for password ***');
  });
});

test('.env.example documents every key of the schema with a comment, and nothing else', () => {
  const text = fs.readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8');
  const keys = Object.keys(parse(text));
  assert.equal([...keys].sort(), Object.keys(SETTINGS).sort());
  const lines = text.split('\n');
  for (const k of keys) {
    const i = lines.findIndex((l) => l.startsWith(`${k}=`));
    assert.ok(lines[i - 1]?.startsWith('#'), `${k} has a comment line above it`);
    if (SECRET_KEYS.includes(k)) assert.ok(lines[i - 1]?.includes('[secret]'), `${k} is marked [secret]`);
  }
});

test('two services on one port: a configuration error at load naming both keys and where they come from', () => {
  withEnvFile('KAFKA_PORT=9191\nDEMO_PORT=9191\n', (root) => {
    const e = usageError(() => loadSettings({ root, env: {} }));
    assert.match(e.message, /KAFKA_PORT \(\.env:1\)|KAFKA_PORT \([^)]*\.env:1\)/);
    assert.match(e.message, /DEMO_PORT \([^)]*\.env:2\) are both port 9191; give each service its own port/);
  });
  // A key set to another's default collides with that default.
  withEnvFile('KAFKA_PORT=9090\n', (root) => {
    assert.match(usageError(() => loadSettings({ root, env: {} })).message, /PROMETHEUS_PORT \(default\) are both port 9090/);
  });
});

test('the CLI refuses two services on one port before doing anything: exit 2, one line', async () => {
  const { execa } = await import('execa');
  const r = await execa(process.execPath, ['tasks.ts', 'plan', '--target', 'native'], {
    cwd: REPO_ROOT,
    reject: false,
    env: { KAFKA_PORT: '45111', PROMETHEUS_PORT: '45111' },
  });
  assert.is(r.exitCode, 2, r.stderr);
  assert.match(r.stderr, /KAFKA_PORT \(environment\) and PROMETHEUS_PORT \(environment\) are both port 45111/);
});

test.run();
