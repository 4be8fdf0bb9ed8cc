// CLI start-up benchmark (not a test): the commands people type all day, run as whole processes
// the way a shell runs them, N times each; prints median and p90 wall time per command with the
// load average beside them, and writes bench/results/cli.json.
//   Entries: `npx tsx tasks.ts` (how the owner types it) and `node tasks.ts` (the fast path the
//   Makefile uses: Node strips the types itself, nothing is transpiled or cached).
//   Commands: --help, status, up (with the stack already up this is the "second up"), logs (the
//   last 100 lines of every component, merged: issue 26 bounds it at 0.3 s natively; the median
//   is printed against that bound, never asserted).
// Usage: node bench/cli.ts [--runs 5] [--warmup 1] [--entry fast|npx|all] [--json]
//          [--command=--help --command=status …]  (= form: a value starting with - needs it)
// Bring the stack up first (`node tasks.ts up`): status and a second up are measured against it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exitOnHelp } from './lib/cli.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

const USAGE =
  'usage: node bench/cli.ts [--runs N] [--warmup N] [--entry fast|npx|all] [--command C]… [--json]';
const usage = (msg: string): never => {
  console.error(`bench/cli: ${msg}; ${USAGE}`);
  process.exit(2);
};
exitOnHelp(process.argv.slice(2), USAGE);

let values;
try {
  ({ values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      entry: { type: 'string', default: 'all' },
      command: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
    },
  }));
} catch (e) {
  usage((e as Error).message.split('\n')[0] ?? 'bad arguments');
}
const whole = (name: string, raw: string, min: number) => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min) usage(`--${name} must be a whole number >= ${min}, got '${raw}'`);
  return n;
};
const RUNS = whole('runs', values!.runs, 1);
const WARMUP = whole('warmup', values!.warmup, 0);

const ENTRIES: Record<string, string[]> = {
  fast: [process.execPath, 'tasks.ts'],
  npx: ['npx', 'tsx', 'tasks.ts'],
};
const entryNames = values!.entry === 'all' ? Object.keys(ENTRIES) : [values!.entry];
for (const e of entryNames) if (!ENTRIES[e]) usage(`unknown --entry '${e}' (fast, npx or all)`);
const COMMANDS = values!.command?.length ? values!.command : ['--help', 'status', 'up', 'logs'];
/** Bounds an issue set on a command's median (issue 26: `logs` of 100 lines < 0.3 s natively). */
const BOUNDS_MS: Record<string, number> = { logs: 300 };

/** Nearest-rank percentile of sorted values. */
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const load = () => os.loadavg().map((x) => +x.toFixed(2));

interface Row {
  entry: string;
  command: string;
  argv: string[];
  runs: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
  /** Median user + system CPU time of the command's process tree (10 ms resolution). */
  cpuMedianMs: number;
  samplesMs: number[];
  loadavgBefore: number[];
  /** The bound on the median, where an issue set one, and whether this run's median kept it. */
  boundMs?: number;
  withinBound?: boolean;
}

/**
 * CPU time (user + system, ms) of this process's finished children, from /proc/self/stat
 * (cutime + cstime, clock ticks of 10 ms): less sensitive to a loaded machine than wall time.
 */
function childCpuMs(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

function once(argv: string[]): { wall: number; cpu: number } {
  const c0 = childCpuMs();
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '1' },
  });
  const ms = performance.now() - t0;
  if (r.error) throw new Error(`${argv.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    const tail = String(r.stderr).trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}: ${tail}`);
  }
  return { wall: ms, cpu: childCpuMs() - c0 };
}

const rows: Row[] = [];
try {
  for (const entry of entryNames) {
    for (const command of COMMANDS) {
      const argv = [...ENTRIES[entry]!, ...command.split(' ')];
      const loadavgBefore = load();
      for (let i = 0; i < WARMUP; i++) once(argv);
      const runs = Array.from({ length: RUNS }, () => once(argv));
      const samples = runs.map((r) => r.wall);
      const s = [...samples].sort((a, b) => a - b);
      const cpu = runs.map((r) => r.cpu).sort((a, b) => a - b);
      const r1 = (x: number) => Math.round(x);
      rows.push({
        entry,
        command,
        argv: argv.map((a) => (a === process.execPath ? 'node' : a)),
        runs: RUNS,
        medianMs: r1(pct(s, 50)),
        p90Ms: r1(pct(s, 90)),
        minMs: r1(s[0]!),
        maxMs: r1(s.at(-1)!),
        cpuMedianMs: pct(cpu, 50),
        samplesMs: samples.map(r1),
        loadavgBefore,
        ...(BOUNDS_MS[command] === undefined
          ? {}
          : { boundMs: BOUNDS_MS[command], withinBound: pct(s, 50) < BOUNDS_MS[command]! }),
      });
      if (!values!.json) {
        const r = rows.at(-1)!;
        console.log(
          `${r.argv.join(' ').padEnd(28)} median ${String(r.medianMs).padStart(5)} ms  p90 ${String(r.p90Ms).padStart(5)} ms  cpu ${String(r.cpuMedianMs).padStart(5)} ms  (min ${r.minMs}, max ${r.maxMs}, ${RUNS} runs; load ${loadavgBefore.join(' ')})${r.boundMs === undefined ? '' : `  bound ${r.boundMs} ms: ${r.withinBound ? 'within' : 'OVER'}`}`,
        );
      }
    }
  }
} catch (e) {
  console.error(`bench/cli: ${(e as Error).message}; is the stack up (node tasks.ts up)?`);
  process.exit(1);
}

const result = {
  bench: 'cli',
  at: new Date().toISOString(),
  machine: { node: process.version, cpus: os.cpus().length, loadavgEnd: load() },
  rows,
};
if (values!.json) console.log(JSON.stringify(result, null, 2));
else
  console.log(
    `load average at the end: ${result.machine.loadavgEnd.join(', ')} (${result.machine.cpus} CPUs)`,
  );
const out = path.join(ROOT, 'bench', 'results', 'cli.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
