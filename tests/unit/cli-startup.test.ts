// What a command loads at start-up, and that the fast entry the Makefile uses never runs stale
// code. Nothing here is timed (bench/cli.ts measures the wall time); the tests prove the causes:
// `--help` loads no package at all, `status` none of the heavy ones only `up`/`verify` need, and
// an edited source is what the next run executes.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const HOOK = path.join(ROOT, 'tests', 'support', 'trace-imports.ts');

/**
 * Packages `status` never needs: the bench's Kafka client, the progress UI, gRPC, OTel, histograms,
 * the process runner and the YAML parser (status spawns nothing and reads no YAML).
 */
const HEAVY = [
  'execa',
  'yaml',
  '@platformatic/kafka',
  'listr2',
  '@grpc/grpc-js',
  'protobufjs',
  '@opentelemetry/',
  'hdr-histogram-js',
  'fastify',
];

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs `node tasks.ts …` with the import tracer; returns exit code, output and loaded URLs. */
function traced(args: string[], env: Record<string, string> = {}) {
  const out = path.join(tmp('cli-imports-'), 'imports.txt');
  const r = spawnSync(process.execPath, ['--import', HOOK, 'tasks.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', TRACE_IMPORTS_OUT: out, ...env },
    timeout: 60_000,
  });
  const urls = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').trim().split('\n') : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, urls };
}

const packagesOf = (urls: string[]): string[] =>
  [
    ...new Set(
      urls.flatMap((u) => {
        const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(u);
        return m?.[1] ? [m[1]] : [];
      }),
    ),
  ].sort();

for (const args of [['--help'], ['help', 'status'], ['up', '--help'], ['verify', '--help']]) {
  test(`\`tasks.ts ${args.join(' ')}\` loads no npm package`, () => {
    const r = traced(args);
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.urls.length > 0, 'the import tracer recorded nothing');
    assert.equal(packagesOf(r.urls), [], `packages loaded for ${args.join(' ')}`);
  });
}

test('`tasks.ts status --target native` loads none of the packages only up/verify need', () => {
  const platform = tmp('cli-status-');
  const r = traced(['status', '--target', 'native'], { PLATFORM_DIR: platform });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /kafka\s+stopped/);
  const heavy = packagesOf(r.urls).filter((p) => HEAVY.some((h) => p.startsWith(h)));
  assert.equal(heavy, [], 'heavy packages loaded by status');
});

/** The command the Makefile's aliases run (`TASKS := …`), split into argv. */
function makefileEntry(): string[] {
  const line = fs.readFileSync(path.join(ROOT, 'Makefile'), 'utf8').match(/^TASKS\s*:=\s*(.+)$/m)?.[1];
  assert.ok(line, 'Makefile has no TASKS := line');
  return line.trim().split(/\s+/);
}

test('the Makefile entry runs an edited source on the next run (same size and mtime: no stale cache)', () => {
  const [cmd, ...entryArgs] = makefileEntry();
  const copy = tmp('cli-stale-');
  for (const p of ['tasks.ts', 'tasks', 'validation', 'bench', 'package.json', 'tsconfig.json']) {
    if (fs.existsSync(path.join(ROOT, p)))
      fs.cpSync(path.join(ROOT, p), path.join(copy, p), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  const run = () =>
    execFileSync(cmd === 'node' ? process.execPath : cmd!, [...entryArgs, '--help'], {
      cwd: copy,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
      timeout: 60_000,
    });
  const file = path.join(copy, 'tasks', 'cli', 'commands', 'status.ts');
  const before = fs.readFileSync(file, 'utf8');
  const summary = /summary:\s*\n?\s*["'`](.+?)["'`],/.exec(before)?.[1];
  assert.ok(summary, 'status.ts has a summary string');
  assert.ok(run().includes(summary!), 'first run prints the original summary');
  // Same length, same mtime: a cache keyed on size or mtime would serve the old text.
  const stat = fs.statSync(file);
  const edited = summary!.replace(/[a-z]/, (c) => c.toUpperCase());
  assert.is.not(edited, summary);
  fs.writeFileSync(file, before.replace(summary!, edited));
  fs.utimesSync(file, stat.atime, stat.mtime);
  assert.is(fs.statSync(file).size, stat.size);
  const after = run();
  assert.ok(after.includes(edited), `second run prints the edited summary:\n${after}`);
  assert.not.ok(after.includes(summary!), 'second run still printed the old summary');
});

test.run();
