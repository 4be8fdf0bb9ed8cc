// Runs the uvu suites in one process, then exits: a suite that leaves a socket or timer open
// must not hang CI. Prints the plain closing line `N passed, N failed, N skipped` that CI reads.
// Usage: tsx tests/run.ts [dir …] [--pattern REGEX]   (default dir: tests)
import fs from 'node:fs';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { parse } from 'uvu/parse';
import { run } from 'uvu/run';

const args = process.argv.slice(2);
const patternAt = args.indexOf('--pattern');
const pattern = patternAt >= 0 ? new RegExp(args.splice(patternAt, 2)[1] ?? '') : /\.test\.ts$/;
const dirs = args.length > 0 ? args : ['tests'];
const watchdogS = Number(process.env.TEST_TIMEOUT_S ?? 1800);

// Tee stdout so the totals uvu prints can be turned into the closing line.
let captured = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  if (captured.length > 1_000_000) captured = captured.slice(-100_000);
  return write(chunk, ...rest);
}) as typeof process.stdout.write;

const watchdog = setTimeout(() => {
  console.error(`\ntests: still running after ${watchdogS}s (TEST_TIMEOUT_S); the last file named above is hanging`);
  process.exit(1);
}, watchdogS * 1000);
watchdog.unref();

// uvu collects suites instead of running them at import time when UVU_DEFER is set.
(globalThis as Record<string, unknown>).UVU_DEFER = 1;
// One run over the suites of every folder: uvu keeps a global queue, so a second run() would
// mislabel and miscount the suites of the first.
const suites: { name: string; file: string }[] = [];
for (const dir of dirs) {
  if (!fs.existsSync(dir)) continue;
  const ctx = await parse(path.resolve(dir), pattern, { cwd: process.cwd() });
  suites.push(...ctx.suites.map((sui) => ({ ...sui, name: path.join(path.relative(process.cwd(), path.resolve(dir)), sui.name) })));
}
let total = 0;
let passed = 0;
let skipped = 0;
if (suites.length > 0) {
  captured = '';
  await run(suites, { bail: false });
  const plain = stripVTControlCharacters(captured);
  total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
}
// uvu's Total excludes skipped tests.
const failed = total - passed;
if (total === 0) console.log('tests: no test files matched');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || total === 0 ? 1 : 0);
