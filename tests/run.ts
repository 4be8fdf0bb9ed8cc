// The test runner CI and `make test` use. Test files run in parallel worker processes (TEST_WORKERS,
// default: three per core, at least 2), the slowest first (durations of the last run, in
// .platform/test-durations.json); each file's output is printed together when it ends, with its
// duration and CPU (its worker and what that reaped: the figure the machine's load does not inflate);
// the totals are summed into the closing line `N passed, N failed, N skipped` (CI reads
// it). Files that call sharedTestBroker() share one Kafka broker the runner starts (their own
// topics and groups; files that restart or kill a broker start their own).
// Workers default to three per core: the integration files spend much of their time waiting (a
// scrape interval, a broker's controlled shutdown, a stall timeout: metrics-native used 1.7 s of
// CPU in 23.1 s; console-browser 30 s in 105 s). On 2 cores, quiet machine, `make test`
// (2026-12-05, 416 tests): stack down 4 workers 144.5 s, 6 workers 137.1 s; right after `make up`
// 4 workers 156 s, 6 workers 133 s (load average 21 at its end). Earlier: 3 workers 224.0 s
// against 4 workers' 197.4 s (docs/measurements/ci-run-issue22-2026-12-04.json).
// Usage: tsx tests/run.ts [dir …] [--pattern REGEX]   (default dir: tests)
//        TEST_WORKERS=n, TEST_SHARD=i/n (CI jobs side by side), TEST_TIMEOUT_S, TEST_FILE_TIMEOUT_S
//
// Honest by construction: a failing test, a file whose worker dies or hangs past TEST_FILE_TIMEOUT_S,
// a folder that does not exist, no file matched, or a stray `.only(`/`.skip(` in a test file each
// fail the run. A file's verdict is uvu's own: its exit code and the summary ending its output (a
// failing assertion may quote a nested run's "Total: 5 Passed: 5"; only the last summary counts).
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { cpuSeconds } from './support/cpu-time.ts';

const SELF = fileURLToPath(import.meta.url);
const END = '\u0000END ';

interface Counts {
  total: number;
  passed: number;
  skipped: number;
  code: number;
}

/** uvu's closing summary, only when it is the end of the output (see the header). */
export function finalSummary(output: string): Omit<Counts, 'code'> | undefined {
  const m = /\n {2}Total: +(\d+)\n {2}Passed: +(\d+)\n {2}Skipped: +(\d+)\n {2}Duration: +\S+\n*$/.exec(
    stripVTControlCharacters(output),
  );
  return m ? { total: Number(m[1]), passed: Number(m[2]), skipped: Number(m[3]) } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Worker: runs the files the parent sends, one after another, each with a fresh uvu queue; after
// each it writes the END marker (with its counts) on stdout and stderr, so the parent knows
// where the file's output ends in both streams.
async function worker(): Promise<void> {
  (globalThis as Record<string, unknown>).UVU_DEFER = 1;
  const { exec } = await import('uvu');
  let captured = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (captured.length > 1_000_000) captured = captured.slice(-100_000);
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  const g = globalThis as unknown as { UVU_QUEUE: unknown[][]; UVU_INDEX: number };
  process.on('message', async (m: { file: string; name: string }) => {
    captured = '';
    g.UVU_QUEUE.length = 0;
    g.UVU_INDEX = 0;
    g.UVU_QUEUE.push([m.name]);
    let code: number;
    try {
      await import(`file://${m.file}`);
      process.exitCode = 0;
      await exec(false);
      // uvu's exec ends by setting the exit code: 1 when any test (or its hooks) threw.
      code = Number(process.exitCode ?? 0);
    } catch (e) {
      console.error(
        `tests: ${m.name} broke the run: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
      code = 1;
    }
    process.exitCode = 0;
    const s = finalSummary(captured);
    const counts: Counts = s ? { ...s, code } : { total: 0, passed: 0, skipped: 0, code: code || 1 };
    if (!s) console.error(`tests: ${m.name}: uvu printed no closing summary; counting the file as failed`);
    write(`\n${END}${JSON.stringify(counts)}\n`);
    process.stderr.write(`\n${END}\n`);
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.('ready');
}

// ---------------------------------------------------------------------------------------------
// Parent.
interface FileResult extends Counts {
  name: string;
  ms: number;
  /** CPU seconds of the worker and what it reaped while it ran the file (undefined off Linux). */
  cpuS?: number;
  output: string;
  note?: string;
}

const STRAY = /^\s*(?:[\w$]+\.)+(only|skip)\s*\(/;

function listFiles(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, pattern));
    else if (pattern.test(p)) out.push(p);
  }
  return out.sort();
}

async function parent(): Promise<void> {
  const started = performance.now();
  const args = process.argv.slice(2);
  const patternAt = args.indexOf('--pattern');
  const pattern = patternAt >= 0 ? new RegExp(args.splice(patternAt, 2)[1] ?? '') : /\.test\.ts$/;
  const dirs = args.length > 0 ? args : ['tests'];
  const watchdogS = Number(process.env.TEST_TIMEOUT_S ?? 1800);
  const fileTimeoutS = Number(process.env.TEST_FILE_TIMEOUT_S ?? 900);
  const workers = Math.max(1, Number(process.env.TEST_WORKERS) || Math.max(2, 3 * os.availableParallelism()));
  const errors: string[] = [];

  const files: { file: string; name: string; shared: boolean; starts: boolean }[] = [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      // A usage error, not a test failure: one line and exit 2 before anything starts.
      const hint = /\.test\.ts$/.test(dir)
        ? ` (a file: pass its folder and --pattern ${path.basename(dir, '.test.ts')})`
        : '';
      console.error(`tests: ${dir} (from the command line) is not a folder${hint}; fix the path`);
      process.exit(2);
    }
    for (const f of listFiles(path.resolve(dir), pattern)) {
      const name = path.relative(process.cwd(), f);
      const text = fs.readFileSync(f, 'utf8');
      text.split('\n').forEach((line, i) => {
        const m = STRAY.exec(line);
        if (m) errors.push(`tests: ${name}:${i + 1}: stray .${m[1]}( — remove it (it hides the other tests)`);
      });
      files.push({
        file: f,
        name,
        shared: text.includes('sharedTestBroker('),
        // Starts a broker or a stack of its own: among the slowest (a clean clone has no durations).
        starts: /startTestBroker\(|startNativeStack\(|\.up\(ctx\)/.test(text),
      });
    }
  }
  // TEST_SHARD=i/n (CI's parallel jobs): every n-th file of the sorted list, starting at the i-th.
  const shard = /^(\d+)\/(\d+)$/.exec(process.env.TEST_SHARD ?? '');
  if (process.env.TEST_SHARD && (!shard || Number(shard[1]) < 1 || Number(shard[1]) > Number(shard[2]))) {
    console.error(
      `tests: TEST_SHARD=${process.env.TEST_SHARD} is not i/n with 1 <= i <= n; fix the variable`,
    );
    process.exit(2);
  }
  if (shard) {
    const [i, n] = [Number(shard[1]), Number(shard[2])];
    const mine = files.filter((_, k) => k % n === i - 1);
    files.splice(0, files.length, ...mine);
  }
  if (files.length === 0) {
    console.error(
      `tests: no test file under ${dirs.join(', ')} matches ${pattern}; fix the folder or --pattern`,
    );
    process.exit(2);
  }

  // Slowest first, from the last run's durations; unknown files count as slow (integration, e2e),
  // slowest of all when they start a broker or a stack of their own.
  const { resolvePaths } = await import('../tasks/paths.ts');
  const durationsFile = path.join(resolvePaths().platform, 'test-durations.json');
  let known: Record<string, number> = {};
  try {
    known = JSON.parse(fs.readFileSync(durationsFile, 'utf8')) as Record<string, number>;
  } catch {
    // first run: no record
  }
  const guess = (f: (typeof files)[number]) =>
    known[f.name] ?? (f.name.includes(`${path.sep}unit${path.sep}`) ? 1_000 : f.starts ? 120_000 : 30_000);
  const queue = [...files].sort((a, b) => guess(b) - guess(a));

  // One broker for the files that only need a broker, started while the others run.
  let sharedEnv: string | undefined;
  let sharedError: string | undefined;
  let stopShared: (() => Promise<void>) | undefined;
  const sharedReady = queue.some((f) => f.shared)
    ? (async () => {
        try {
          const { startTestBroker, SHARED_BROKER_ENV } = await import('./support/kafka-broker.ts');
          const b = await startTestBroker({ heapMb: 512 });
          stopShared = () => b.stop();
          sharedEnv = JSON.stringify({ bootstrap: b.bootstrap, port: b.port, settings: b.settings });
          console.log(`tests: shared Kafka broker at ${b.bootstrap} (${SHARED_BROKER_ENV})`);
        } catch (e) {
          sharedError = e instanceof Error ? e.message : String(e);
        }
      })()
    : Promise.resolve();
  let sharedDone = false;
  void sharedReady.then(() => (sharedDone = true));

  const results: FileResult[] = [];
  const running = new Map<ChildProcess, { name: string; t0: number }>();
  let interrupted = false;

  const print = (r: FileResult) => {
    const verdict = r.code === 0 && r.total === r.passed ? 'ok' : 'FAILED';
    const cpu = r.cpuS === undefined ? '' : `, CPU ${r.cpuS.toFixed(1)} s`;
    console.log(
      `\n── ${r.name}: ${verdict}, ${r.passed} passed, ${Math.max(0, r.total - r.passed)} failed, ${r.skipped} skipped (${(r.ms / 1000).toFixed(1)} s${cpu})${r.note ? ` — ${r.note}` : ''}`,
    );
    process.stdout.write(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
  };

  // Every worker's exit, so the closing CPU figure counts the workers once they are reaped.
  const workerExits: Promise<unknown>[] = [];
  const spawnWorker = () => {
    const child = fork(SELF, ['--worker'], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...(sharedEnv ? { TEST_SHARED_KAFKA: sharedEnv } : {}) },
    });
    workerExits.push(new Promise((res) => child.once('exit', res)));
    return child;
  };

  /** Runs files from the queue in one worker until the queue is empty. */
  async function lane(): Promise<void> {
    let child: ChildProcess | undefined;
    let childShared = false;
    for (;;) {
      if (interrupted) break;
      // A file needing the shared broker waits for it; others go first meanwhile.
      const i = queue.findIndex((f) => !f.shared || sharedDone);
      if (i < 0 && queue.length > 0) {
        // Look again once it is up: another lane may have taken the last file meanwhile.
        await sharedReady;
        continue;
      }
      if (i < 0) break;
      const f = queue.splice(i, 1)[0]!;
      if (f.shared && sharedError) {
        results.push({
          name: f.name,
          ms: 0,
          output: '',
          total: 1,
          passed: 0,
          skipped: 0,
          code: 1,
          note: `the shared Kafka broker did not start: ${sharedError}`,
        });
        print(results.at(-1)!);
        continue;
      }
      // A worker forked before the broker was up lacks its address: start a fresh one.
      if (child && f.shared && !childShared) {
        child.disconnect();
        child = undefined;
      }
      if (!child) {
        child = spawnWorker();
        childShared = sharedEnv !== undefined;
        await new Promise<void>((res) => child!.once('message', () => res()));
      }
      const r = await runIn(child, f);
      results.push(r);
      print(r);
      if (r.note) {
        // The worker died or hung: its state is unknown, the next file gets a new one.
        child.kill('SIGKILL');
        child = undefined;
      }
    }
    if (child?.connected) child.disconnect();
  }

  function runIn(child: ChildProcess, f: { file: string; name: string }): Promise<FileResult> {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const cpu0 = child.pid === undefined ? undefined : cpuSeconds(child.pid);
      running.set(child, { name: f.name, t0 });
      let out = '';
      let err = '';
      let counts: Counts | undefined;
      let errDone = false;
      const finish = (note?: string) => {
        clearTimeout(timer);
        child.stdout!.off('data', onOut);
        child.stderr!.off('data', onErr);
        child.off('exit', onExit);
        running.delete(child);
        const c = counts ?? { total: 0, passed: 0, skipped: 0, code: 1 };
        const total = note && c.total === c.passed ? c.total + 1 : c.total;
        const cpu1 = note || child.pid === undefined ? undefined : cpuSeconds(child.pid);
        resolve({
          name: f.name,
          ms: performance.now() - t0,
          ...(cpu0 !== undefined && cpu1 !== undefined ? { cpuS: cpu1 - cpu0 } : {}),
          output: out + (err.trim() ? `${err.replace(/\n+$/, '')}\n` : ''),
          ...c,
          total,
          code: note ? 1 : c.code,
          ...(note ? { note } : {}),
        });
      };
      const check = () => {
        if (counts && errDone) finish();
      };
      const onOut = (d: Buffer) => {
        out += d.toString();
        const at = out.indexOf(END);
        if (at >= 0) {
          const nl = out.indexOf('\n', at);
          if (nl < 0) return;
          counts = JSON.parse(out.slice(at + END.length, nl)) as Counts;
          out = out.slice(0, at);
          check();
        }
      };
      const onErr = (d: Buffer) => {
        err += d.toString();
        const at = err.indexOf(END);
        if (at >= 0) {
          err = err.slice(0, at);
          errDone = true;
          check();
        }
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish(`its worker exited (${signal ?? `code ${code}`}) before the file finished`);
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
      }, fileTimeoutS * 1000);
      timer.unref();
      child.stdout!.on('data', onOut);
      child.stderr!.on('data', onErr);
      child.once('exit', onExit);
      child.send({ file: f.file, name: f.name });
    });
  }

  const watchdog = setTimeout(() => {
    console.error(
      `\ntests: still running after ${watchdogS}s (TEST_TIMEOUT_S): ${[...running.values()].map((r) => r.name).join(', ')}`,
    );
    for (const c of running.keys()) c.kill('SIGKILL');
    interrupted = true;
  }, watchdogS * 1000);
  watchdog.unref();
  const onSignal = () => {
    interrupted = true;
    for (const c of running.keys()) c.kill('SIGINT');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  console.log(`tests: ${files.length} file(s) in ${workers} worker(s)`);
  try {
    await Promise.all(Array.from({ length: Math.min(workers, Math.max(1, files.length)) }, () => lane()));
  } finally {
    await sharedReady;
    await stopShared?.().catch((e: Error) =>
      console.error(`tests: stopping the shared broker: ${e.message}`),
    );
    await Promise.all(workerExits);
    clearTimeout(watchdog);
  }

  if (!interrupted && results.length > 0) {
    const next = { ...known };
    for (const r of results) next[r.name] = Math.round(r.ms);
    try {
      fs.mkdirSync(path.dirname(durationsFile), { recursive: true });
      fs.writeFileSync(durationsFile, JSON.stringify(next, null, 2) + '\n');
    } catch {
      // a read-only checkout still gets its verdict
    }
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  let failed = results.reduce(
    (n, r) => n + Math.max(r.total - r.passed, r.code !== 0 && r.total === r.passed ? 1 : 0),
    0,
  );
  if (interrupted) {
    errors.push(`tests: interrupted; ${queue.length} file(s) not run`);
  }
  failed += errors.length;
  console.log('\ntests: durations (slowest first; CPU: the file\'s processes, whatever the load)');
  for (const r of [...results].sort((a, b) => b.ms - a.ms))
    console.log(
      `  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.cpuS === undefined ? '' : `CPU ${r.cpuS.toFixed(1).padStart(5)} s  `}${r.name}${r.code === 0 && r.total === r.passed ? '' : '  FAILED'}`,
    );
  // The runner, its reaped workers and the shared broker: the run's CPU, to compare runs on a busy machine.
  const cpuAll = cpuSeconds('self');
  const load = os.loadavg()[0]!.toFixed(1);
  console.log(
    `  wall time ${((performance.now() - started) / 1000).toFixed(1)} s, ${workers} worker(s)${cpuAll === undefined ? '' : `, CPU ${cpuAll.toFixed(1)} s`}, load average ${load}`,
  );
  for (const e of errors) console.error(e);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed > 0 || passed + failed === 0 ? 1 : 0);
}

if (process.argv[2] === '--worker') await worker();
else await parent();
