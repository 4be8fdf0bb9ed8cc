// Engine benchmark (not a test): how much the scheduler itself costs, and how close it gets to
// the critical path when nodes wait on I/O.
//   1. Overhead: a 1,000-node random DAG of no-op nodes; wall time per node (includes each node's
//      log-file header write, as in real runs).
//   2. Sleeping DAG: 60 nodes sleeping 20–100 ms each (a seeded random DAG); wall time against the
//      critical path (the floor at unlimited concurrency) and the serial sum, per concurrency.
// Usage: npx tsx bench/engine.ts [--runs N]   → prints a table; writes bench/results/engine.json
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { exitOnHelp } from './lib/cli.ts';
import { buildGraph, criticalPath } from '../tasks/engine/graph.ts';
import { runGraph } from '../tasks/engine/scheduler.ts';
import { defineTask, type BaseContext, type Task } from '../tasks/engine/task.ts';

const USAGE = 'usage: npx tsx bench/engine.ts [--runs 5]';
exitOnHelp(process.argv.slice(2), USAGE);
let values: { runs: string };
try {
  ({ values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } }));
} catch (e) {
  console.error(`bench/engine: ${(e as Error).message.split('\n')[0]}; ${USAGE}`);
  process.exit(2);
}
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`bench/engine: --runs must be a whole number >= 1, got '${values.runs}'`);
  process.exit(2);
}

/** mulberry32: a seeded PRNG so every run benchmarks the same graph. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDag(
  n: number,
  seed: number,
  run: (i: number) => (ctx: BaseContext) => Promise<void>,
): Task<BaseContext>[] {
  const r = rng(seed);
  const nodes: Task<BaseContext>[] = [];
  for (let i = 0; i < n; i++) {
    const needs = new Set<Task<BaseContext>>();
    const k = i === 0 ? 0 : Math.floor(r() * 4); // 0–3 needs among earlier nodes
    for (let j = 0; j < k; j++) needs.add(nodes[Math.floor(r() * i)]!);
    nodes.push(
      defineTask<BaseContext>({
        id: `n${i}`,
        name: `n${i}`,
        title: `node ${i}`,
        needs: [...needs],
        run: run(i),
      }),
    );
  }
  return nodes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const logDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engine-'));

// 1. Overhead per node.
const noop = randomDag(1000, 42, () => async () => {});
const buildMs: number[] = [];
const perNodeUs: Record<number, number[]> = { 1: [], 4: [], 16: [] };
// CPU time (user + system) of this process: robust when other work shares the machine.
const perNodeCpuUs: Record<number, number[]> = { 1: [], 4: [], 16: [] };
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  const g = buildGraph(noop);
  buildMs.push(performance.now() - t0);
  for (const c of [1, 4, 16]) {
    const dir = logDir();
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const res = await runGraph(g, g.order, {
      command: 'up',
      makeContext: (_t, b) => b,
      logDir: dir,
      concurrency: c,
    });
    const wall = performance.now() - t1;
    const cpu = process.cpuUsage(cpu0);
    perNodeCpuUs[c]!.push((cpu.user + cpu.system) / noop.length);
    if (!res.ok) throw new Error('no-op DAG did not finish ok');
    perNodeUs[c]!.push((wall * 1000) / noop.length);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// 2. Sleeping DAG vs the critical path.
const r = rng(7);
const sleepMs = Array.from({ length: 60 }, () => 20 + Math.floor(r() * 81));
const sleepers = randomDag(
  60,
  7,
  (i) => async (ctx) => void (await sleep(sleepMs[i]!, undefined, { signal: ctx.signal })),
);
const sg = buildGraph(sleepers);
const planned = new Map(sleepers.map((t, i) => [t.id, sleepMs[i]!]));
const cp = criticalPath(sg, planned);
const serial = sleepMs.reduce((a, b) => a + b, 0);
const sleeping: {
  concurrency: number;
  wallMs: number;
  wallOverCriticalPath: number;
  wallOverSerial: number;
}[] = [];
for (const c of [1, 2, 4, 8, 16]) {
  const walls: number[] = [];
  for (let k = 0; k < Math.max(1, Math.floor(RUNS / 2)); k++) {
    const dir = logDir();
    const t0 = performance.now();
    await runGraph(sg, sg.order, { command: 'up', makeContext: (_t, b) => b, logDir: dir, concurrency: c });
    walls.push(performance.now() - t0);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const wall = median(walls);
  sleeping.push({
    concurrency: c,
    wallMs: Math.round(wall),
    wallOverCriticalPath: +(wall / cp.ms).toFixed(2),
    wallOverSerial: +(wall / serial).toFixed(2),
  });
}

const result = {
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    node: process.versions.node,
    loadavg: os.loadavg().map((x) => +x.toFixed(1)),
  },
  runs: RUNS,
  overhead: {
    nodes: noop.length,
    edges: noop.reduce((a, t) => a + t.needs.length, 0),
    buildGraphMs: +median(buildMs).toFixed(2),
    perNodeUsMedian: Object.fromEntries(
      Object.entries(perNodeUs).map(([c, xs]) => [`concurrency ${c}`, Math.round(median(xs))]),
    ),
    perNodeCpuUsMedian: Object.fromEntries(
      Object.entries(perNodeCpuUs).map(([c, xs]) => [`concurrency ${c}`, Math.round(median(xs))]),
    ),
  },
  sleeping: {
    nodes: sleepers.length,
    criticalPathMs: cp.ms,
    criticalPathNodes: cp.ids.length,
    serialMs: serial,
    byConcurrency: sleeping,
  },
};

console.log(
  `engine overhead: ${result.overhead.nodes} no-op nodes, ${result.overhead.edges} edges; buildGraph ${result.overhead.buildGraphMs} ms (median of ${RUNS})`,
);
for (const [c, us] of Object.entries(result.overhead.perNodeUsMedian)) {
  const cpu = result.overhead.perNodeCpuUsMedian[c];
  console.log(
    `  ${c.padEnd(15)} ${String(us).padStart(5)} µs wall, ${String(cpu).padStart(5)} µs CPU per node`,
  );
}
console.log(
  `sleeping DAG: ${sleepers.length} nodes, critical path ${cp.ms} ms over ${cp.ids.length} nodes, serial sum ${serial} ms`,
);
console.log('  concurrency  wall ms  wall/critical path  wall/serial');
for (const s of sleeping)
  console.log(
    `  ${String(s.concurrency).padStart(11)}  ${String(s.wallMs).padStart(7)}  ${String(s.wallOverCriticalPath).padStart(18)}  ${String(s.wallOverSerial).padStart(11)}`,
  );
console.log(`load average at the end: ${result.machine.loadavg.join(', ')} (${result.machine.cpus} CPUs)`);
const out = path.resolve(import.meta.dirname, 'results', 'engine.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(`written: ${path.relative(process.cwd(), out)}`);
