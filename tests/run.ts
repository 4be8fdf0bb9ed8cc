// Runs the uvu suites in one process, then exits: a suite that leaves a socket or timer open
// must not hang CI. Prints the plain closing line `N passed, N failed, N skipped` that CI reads.
// Usage: tsx tests/run.ts [dir …] [--pattern REGEX]   (default dir: tests)
//
// The verdict is uvu's own: the exit code its `exec` sets (1 when any test threw) and the counts
// of the summary it prints last. Test output can contain a nested run's summary (a failing
// assertion quoting a child's "Total: 5 Passed: 5"), so only the summary that ends the output
// counts, and a missing one is a failure.
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

// Tee stdout so the summary uvu prints last can be read back.
let captured = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  if (captured.length > 1_000_000) captured = captured.slice(-100_000);
  return write(chunk, ...rest);
}) as typeof process.stdout.write;

const watchdog = setTimeout(() => {
  console.error(
    `\ntests: still running after ${watchdogS}s (TEST_TIMEOUT_S); the last file named above is hanging`,
  );
  process.exit(1);
}, watchdogS * 1000);
watchdog.unref();

/** uvu's closing summary, only when it is the end of the output (see the header). */
function finalSummary(output: string): { total: number; passed: number; skipped: number } | undefined {
  const m = /\n {2}Total: +(\d+)\n {2}Passed: +(\d+)\n {2}Skipped: +(\d+)\n {2}Duration: +\S+\n*$/.exec(
    stripVTControlCharacters(output),
  );
  return m ? { total: Number(m[1]), passed: Number(m[2]), skipped: Number(m[3]) } : undefined;
}

// uvu collects suites instead of running them at import time when UVU_DEFER is set.
(globalThis as Record<string, unknown>).UVU_DEFER = 1;
// One run over the suites of every folder: uvu keeps a global queue, so a second run() would
// mislabel and miscount the suites of the first.
const suites: { name: string; file: string }[] = [];
for (const dir of dirs) {
  if (!fs.existsSync(dir)) continue;
  const ctx = await parse(path.resolve(dir), pattern, { cwd: process.cwd() });
  suites.push(
    ...ctx.suites.map((sui) => ({
      ...sui,
      name: path.join(path.relative(process.cwd(), path.resolve(dir)), sui.name),
    })),
  );
}
let summary: ReturnType<typeof finalSummary> = { total: 0, passed: 0, skipped: 0 };
let uvuCode = 0;
if (suites.length > 0) {
  captured = '';
  process.exitCode = 0;
  try {
    await run(suites, { bail: false });
    // uvu's exec ends by setting the exit code: 1 when any test (or its hooks) threw.
    uvuCode = Number(process.exitCode ?? 0);
  } catch (e) {
    console.error(`tests: the run itself broke: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    uvuCode = 1;
  }
  summary = finalSummary(captured);
  if (!summary) console.error('tests: uvu printed no closing summary; counting the run as failed');
}
const { total, passed, skipped } = summary ?? { total: 0, passed: 0, skipped: 0 };
// uvu's Total excludes skipped tests; a test that threw in a `before` hook is neither passed nor
// reported as an error by uvu, so both the exit code and the counts must agree on green.
const failed = Math.max(total - passed, uvuCode !== 0 && total === passed ? 1 : 0);
if (suites.length === 0 || (summary && total === 0)) console.log('tests: no test files matched');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || total === 0 || !summary ? 1 : 0);
