// The native observability backends' pins and error lines, without running them: the Go modules
// and the builder manifest pin what manifests/versions.yaml says (a drift is named in one line),
// ports come from the settings, and a failed start's log is reduced to its telling line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../tasks/engine/task.ts';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';
import { BACKEND_NAMES, backend, pinProblems } from '../../tasks/targets/native/go-backends.ts';
import { failureLine } from '../../tasks/targets/native/observability.ts';
import { observabilityPorts } from '../../tasks/targets/native/observability-ports.ts';

test('every backend module pins the version manifests/versions.yaml names', async () => {
  for (const name of BACKEND_NAMES) assert.equal(await pinProblems(name, REPO_ROOT), [], name);
});

test('a drifted pin is one line naming the file and the command that fixes it', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pins-'));
  try {
    fs.cpSync(path.join(REPO_ROOT, 'manifests'), path.join(root, 'manifests'), { recursive: true });
    const gomod = path.join(root, 'manifests/native/jaeger/go.mod');
    fs.writeFileSync(gomod, fs.readFileSync(gomod, 'utf8').replace('jaeger v1.75.0', 'jaeger v1.74.0'));
    const manifest = path.join(root, 'manifests/native/otelcol/builder-config.yaml');
    fs.writeFileSync(
      manifest,
      fs.readFileSync(manifest, 'utf8').replace('filelogreceiver v0.165.1', 'filelogreceiver v0.161.0'),
    );
    const j = await pinProblems('jaeger', root);
    assert.is(j.length, 1);
    assert.match(
      j[0]!,
      /go\.mod pins github\.com\/jaegertracing\/jaeger v1\.74\.0 but .* says v1\.75\.0; run: go -C/,
    );
    const o = await pinProblems('otelcol', root);
    assert.is(o.length, 1);
    assert.match(o[0]!, /filelogreceiver v0\.161\.0, want v0\.165\.1/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a cached binary is stale when its module's go.sum changes at the same pinned version", async () => {
  // Jaeger v1.75.0 once kept v1.76.0's collector modules in go.sum and exited at start; the fixed
  // go.sum pins the same Jaeger, so only the sums can tell the cached build is not it.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stamp-'));
  try {
    fs.cpSync(path.join(REPO_ROOT, 'manifests'), path.join(root, 'manifests'), { recursive: true });
    const paths = { ...resolvePaths(), root };
    const before = (await backend('jaeger', paths)).stamp;
    assert.match(before, /^v\d+\.\d+\.\d+ sum:[0-9a-f]{12}$/);
    fs.appendFileSync(path.join(root, 'manifests/native/jaeger/go.sum'), 'example.com/x v0.1.0 h1:AAAA=\n');
    const after = (await backend('jaeger', paths)).stamp;
    assert.is.not(after, before);
    assert.is(after.split(' ')[0], before.split(' ')[0]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('observability ports: defaults, settings, and a one-line error for a bad one', () => {
  const d = observabilityPorts({});
  assert.equal(
    [d.otlpGrpc, d.otlpHttp, d.jaegerQuery, d.victoriaLogs, d.collectorHealth],
    [4317, 4318, 16686, 9428, 13133],
  );
  assert.is(observabilityPorts({ VICTORIALOGS_PORT: '19428' }).victoriaLogs, 19428);
  assert.throws(
    () => observabilityPorts({ JAEGER_QUERY_PORT: '99999' }),
    (e: Error) =>
      e instanceof UsageError && e.message === 'JAEGER_QUERY_PORT must be a TCP port 1-65535; fix it in .env',
  );
});

test('failureLine: the last telling line of a failed start, JSON or plain', () => {
  const json = [
    '{"ts":"2026-11-27T14:00:00Z","level":"info","msg":"starting"}',
    '{"ts":"2026-11-27T14:00:01Z","level":"fatal","msg":"cannot open storage","error":"mkdir /x: not a directory"}',
    'exit status 1',
  ].join('\n');
  assert.is(failureLine(json), 'cannot open storage: mkdir /x: not a directory');
  assert.is(
    failureLine('usage of victoria-logs:\nflag provided but not defined: -bogus\n'),
    'flag provided but not defined: -bogus',
  );
  assert.is(failureLine('all fine\nstill fine'), undefined);
});

test.run();
