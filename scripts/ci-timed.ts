// Times `.ci/run` into `.platform/ci-timings.json` (PLATFORM_DIR moves it), which REQ-0.5's check
// reads (validation/lib/pipeline-time.ts). `.ci/run` deletes the file when it starts, times
// each step with the first form and, on exit, records the whole run with the second.
// Usage: npx tsx scripts/ci-timed.ts <step> -- <command> [args…]     e.g. lint -- npm run lint
//        npx tsx scripts/ci-timed.ts --pipeline <started-epoch-ms> <exit-code> [<load-at-start>]
// A step exits with its command's exit code, so `.ci/run` wraps commands without changing them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { resolvePaths } from '../tasks/paths.ts';
import { readCiTimings, timingsFile, type CiTimings } from '../validation/lib/pipeline-time.ts';

const USAGE =
  'ci-timed: usage: npx tsx scripts/ci-timed.ts <step> -- <command> [args…] | --pipeline <started-epoch-ms> <exit-code> [<load>]';
const round1 = (n: number) => Math.round(n * 10) / 10;
const file = timingsFile(resolvePaths().platform);
const rel = path.relative(process.cwd(), file);

async function commit(): Promise<string | undefined> {
  const r = await execa('git', ['rev-parse', 'HEAD'], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

function save(data: CiTimings) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** A lock directory beside the file (mkdir is atomic); one left by a killed step is taken after 10 s. */
async function lock(): Promise<() => void> {
  const dir = `${file}.lock`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      fs.mkdirSync(dir);
      return () => fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      if (i >= 200) {
        fs.rmSync(dir, { recursive: true, force: true });
        i = 0;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--pipeline') {
  const [, startedMs, code, load] = argv;
  if (!startedMs || !/^\d+$/.test(startedMs) || !code || !/^\d+$/.test(code)) {
    console.error(USAGE);
    process.exit(2);
  }
  const data: CiTimings = readCiTimings(file) ?? { steps: {} };
  const head = await commit();
  if (head) data.commit = head;
  const seconds = round1((Date.now() - Number(startedMs)) / 1000);
  data.startedAt = new Date(Number(startedMs)).toISOString();
  data.pipeline = {
    seconds,
    exitCode: Number(code),
    finishedAt: new Date().toISOString(),
    loadAverage: [...(load && Number.isFinite(Number(load)) ? [round1(Number(load))] : []), round1(os.loadavg()[0]!)],
  };
  save(data);
  console.log(`ci-timed: the whole pipeline took ${seconds}s (exit ${code}) at ${head?.slice(0, 12) ?? '?'}; recorded in ${rel}`);
  process.exit(0);
}

const [step, sep, cmd, ...args] = argv;
if (!step || sep !== '--' || !cmd) {
  console.error(USAGE);
  process.exit(2);
}
// The load average beside the figure: on a shared machine a step's time says little without it.
const loadBefore = os.loadavg()[0]!;
const t0 = performance.now();
const r = await execa(cmd, args, { stdio: 'inherit', reject: false });
const seconds = round1((performance.now() - t0) / 1000);
const exitCode = r.exitCode ?? 1;
const head = await commit();
// `.ci/run` runs lint and the Docker paths beside the tests: steps that end together take turns.
const release = await lock();
// Steps of another commit's run are not this run's: start over rather than mix them.
const prior = readCiTimings(file);
const data: CiTimings = prior && (!prior.commit || prior.commit === head) ? prior : { steps: {} };
if (head) data.commit = head;
data.steps[step] = {
  step,
  command: [cmd, ...args].join(' '),
  seconds,
  exitCode,
  finishedAt: new Date().toISOString(),
  loadAverage: [loadBefore, os.loadavg()[0]!].map(round1),
};
save(data);
release();
console.log(`ci-timed: ${step} took ${seconds}s (exit ${exitCode}); recorded in ${rel}`);
process.exit(exitCode);
