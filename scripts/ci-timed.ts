// Runs one CI step and records its wall time in `.platform/ci-timings.json` (PLATFORM_DIR moves
// it), which the 0-8 verify step reads for REQ-0.5 (lint + unit < 5 minutes). Exits with the
// step's exit code, so `.ci/run` can wrap its commands without changing their outcome.
// Usage: npx tsx scripts/ci-timed.ts <step> -- <command> [args…]      e.g. lint -- npm run lint
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ciTimingsFile, type CiTimings } from '../tasks/phase0/08-ci-cd/checks.ts';

const [step, sep, cmd, ...args] = process.argv.slice(2);
if (!step || sep !== '--' || !cmd) {
  console.error('ci-timed: usage: npx tsx scripts/ci-timed.ts <step> -- <command> [args…]');
  process.exit(2);
}
// The load average beside the figure: on a shared machine a step's time says little without it.
const loadBefore = os.loadavg()[0]!;
const t0 = performance.now();
const r = await execa(cmd, args, { stdio: 'inherit', reject: false });
const seconds = Math.round((performance.now() - t0) / 100) / 10;
const exitCode = r.exitCode ?? 1;
const file = ciTimingsFile();
let data: CiTimings = { steps: {} };
try {
  data = JSON.parse(fs.readFileSync(file, 'utf8')) as CiTimings;
} catch {
  // first step of the run, or an unreadable file: start over
}
const head = await execa('git', ['rev-parse', '--short', 'HEAD'], { reject: false });
data.commit = head.stdout.trim() || undefined;
data.steps[step] = {
  step,
  command: [cmd, ...args].join(' '),
  seconds,
  exitCode,
  finishedAt: new Date().toISOString(),
  // 1-minute load average at the start and the end of the step.
  loadAverage: [loadBefore, os.loadavg()[0]!].map((l) => Math.round(l * 10) / 10),
} as CiTimings['steps'][string];
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
console.log(
  `ci-timed: ${step} took ${seconds}s (exit ${exitCode}); recorded in ${path.relative(process.cwd(), file)}`,
);
process.exit(exitCode);
