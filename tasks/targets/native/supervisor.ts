// Runs host processes the way `docker compose up -d` runs containers: detached in their own
// process group, pid file and log under .platform/, readiness probed at the protocol level,
// stopped with SIGTERM then SIGKILL after a grace period. The orchestrator may exit while the
// processes keep running; the pid file is how a later command finds them again.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Paths } from '../../context.ts';
import type { ProcessRow } from '../target.ts';
import { writeFileAtomic } from '../../engine/atomic.ts';
import { UsageError } from '../../engine/task.ts';
import { canBind, portOwner } from '../../ports.ts';

export interface ProcessSpec {
  /** Short name: pid file `<run>/<name>.pid`, log `<logs>/<name>.log`. */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Port the process listens on: checked free before start and after stop. */
  port?: number;
  /** Hint for the busy-port error, e.g. `set KAFKA_PORT`. */
  portHint?: string;
  /** Further ports the process listens on (checked free before start like `port`). */
  extraPorts?: { port: number; hint: string }[];
  /** Resolves true once the process answers at the protocol level. */
  ready: (signal: AbortSignal) => Promise<boolean>;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
}

export interface PidRecord {
  pid: number;
  name: string;
  startedAt: string;
  port?: number;
  command: string;
}

const pidFile = (paths: Paths, name: string) => path.join(paths.run, `${name}.pid`);
export const logFileOf = (paths: Paths, name: string) => path.join(paths.logs, `${name}.log`);

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid record of a live process, or undefined (a stale pid file is removed). */
export async function readPid(paths: Paths, name: string): Promise<PidRecord | undefined> {
  let rec: PidRecord;
  try {
    rec = JSON.parse(await fsp.readFile(pidFile(paths, name), 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
  if (typeof rec.pid === 'number' && isAlive(rec.pid) && !(await isZombie(rec.pid))) return rec;
  await fsp.rm(pidFile(paths, name), { force: true });
  return undefined;
}

/**
 * True when every thread of the process is a zombie. The leader alone shows `Z` as soon as a
 * JVM's main thread returns while its other threads (and ports) are still live, so each task counts.
 */
async function isZombie(pid: number): Promise<boolean> {
  const tasks = await fsp.readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  for (const t of tasks.length ? tasks : [String(pid)]) {
    const stat = await fsp.readFile(`/proc/${pid}/task/${t}/stat`, 'utf8').catch(() => '');
    if (stat && !/ Z /.test(stat.slice(stat.lastIndexOf(')')))) return false;
  }
  return true;
}

/** Who runs as `name` now: pid and start time, so a restart (even on a reused pid) differs. */
export async function identityOf(paths: Paths, name: string): Promise<string | undefined> {
  const rec = await readPid(paths, name);
  return rec ? `${name} pid ${rec.pid} started ${rec.startedAt}` : undefined;
}

/** Last `n` lines of a file, for error messages. */
export async function tail(file: string, n = 20): Promise<string> {
  const text = await fsp.readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

/**
 * Starts the process detached and waits until `ready`. Returns the pid and the time to ready.
 * Already running and ready: returns at once with `already: true`. On any failure the process
 * group is killed and the pid file removed, so nothing is left half-started.
 */
export async function start(
  spec: ProcessSpec,
  paths: Paths,
  signal: AbortSignal,
): Promise<{ pid: number; readyMs: number; already: boolean }> {
  const existing = await readPid(paths, spec.name);
  if (existing && (await spec.ready(signal).catch(() => false))) {
    return { pid: existing.pid, readyMs: 0, already: true };
  }
  if (existing)
    await stop(spec.name, paths, {
      graceMs: spec.stopGraceMs,
      port: spec.port,
      extraPorts: spec.extraPorts?.map((p) => p.port),
      hints: Object.fromEntries([
        ...(spec.port === undefined || !spec.portHint ? [] : [[spec.port, spec.portHint]]),
        ...(spec.extraPorts ?? []).map((p) => [p.port, p.hint]),
      ]),
    });
  const ports = [
    ...(spec.port === undefined ? [] : [{ port: spec.port, hint: spec.portHint }]),
    ...(spec.extraPorts ?? []),
  ];
  for (const { port, hint } of ports) {
    if (!(await canBind(port))) throw await portInUse(spec.name, port, hint);
  }
  await fsp.mkdir(paths.run, { recursive: true });
  await fsp.mkdir(paths.logs, { recursive: true });
  const log = logFileOf(paths, spec.name);
  const fd = fs.openSync(log, 'a');
  const t0 = performance.now();
  let exited: string | undefined;
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true, // own process group: stop() signals the whole group, Ctrl-C in the shell does not
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  child.once('exit', (code, sig) => (exited = `exited with ${sig ?? `code ${code}`}`));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);
  const pid = child.pid;
  if (pid === undefined) {
    const err = await spawnError.catch((e: Error) => e);
    throw new UsageError(`${spec.name}: could not start ${spec.command}: ${(err as Error).message}`);
  }
  child.unref();
  const rec: PidRecord = {
    pid,
    name: spec.name,
    startedAt: new Date().toISOString(),
    port: spec.port,
    command: [spec.command, ...spec.args].join(' ').slice(0, 400),
  };
  await writeFileAtomic(pidFile(paths, spec.name), JSON.stringify(rec, null, 2) + '\n');

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      if (exited) throw new Error(`${spec.name} ${exited} before it was ready`);
      if (await spec.ready(signal).catch(() => false)) break;
      if (Date.now() > deadline) throw new Error(`${spec.name} not ready after ${spec.readyTimeoutMs ?? 60_000} ms`);
      await sleep(200, undefined, { signal }).catch(() => undefined);
    }
  } catch (e) {
    await killGroup(pid, spec.stopGraceMs ?? 5_000);
    await fsp.rm(pidFile(paths, spec.name), { force: true });
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`${msg}; log: ${log}\n${await tail(log, 15)}`, { cause: e });
  }
  return { pid, readyMs: Math.round(performance.now() - t0), already: false };
}

async function killGroup(pid: number, graceMs: number): Promise<void> {
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  send('SIGTERM');
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!isAlive(pid) || (await isZombie(pid))) return;
    await sleep(100);
  }
  send('SIGKILL');
  for (let i = 0; i < 50 && isAlive(pid) && !(await isZombie(pid)); i++) await sleep(100);
}

/**
 * The one line for a port some other process holds (every native component says the same):
 * `prometheus: port 9090 is already in use by pid 123 (prometheus); stop that process or set PROMETHEUS_PORT`.
 */
export async function portInUse(name: string, port: number, hint?: string): Promise<UsageError> {
  const owner = await portOwner(port);
  const who = owner ? `pid ${owner.pid} (${owner.command})` : 'another process';
  return new UsageError(`${name}: port ${port} is already in use by ${who}; stop that process${hint ? ` or ${hint}` : ''}`);
}

/** Stops a supervised process (SIGTERM, grace, SIGKILL) and confirms its ports are free. */
export async function stop(
  name: string,
  paths: Paths,
  opts: { graceMs?: number; port?: number; extraPorts?: number[]; hints?: Record<number, string> } = {},
): Promise<{ stopped: boolean; stopMs: number }> {
  const t0 = performance.now();
  const rec = await readPid(paths, name);
  if (!rec) return { stopped: false, stopMs: 0 };
  await killGroup(rec.pid, opts.graceMs ?? 10_000);
  await fsp.rm(pidFile(paths, name), { force: true });
  const main = opts.port ?? rec.port;
  for (const port of [...(main === undefined ? [] : [main]), ...(opts.extraPorts ?? [])]) {
    for (let i = 0; i < 50 && !(await canBind(port)); i++) await sleep(100);
    // Ours is gone, so whoever holds the port now is another process (another checkout's stack).
    if (!(await canBind(port))) throw await portInUse(name, port, opts.hints?.[port]);
  }
  return { stopped: true, stopMs: Math.round(performance.now() - t0) };
}

/**
 * Every process's parent (Linux /proc), read once for all the rows `status` asks at the same
 * moment: a walk of /proc per process cost ~18 ms of CPU each. Kept for PARENTS_MS only.
 */
const PARENTS_MS = 500;
let parents: { at: number; map: Promise<Map<number, number>> } | undefined;
function processParents(): Promise<Map<number, number>> {
  if (parents && Date.now() - parents.at < PARENTS_MS) return parents.map;
  const map = (async () => {
    const all = (await fsp.readdir('/proc').catch(() => [] as string[])).filter((e) => /^\d+$/.test(e));
    const stats = await Promise.all(all.map((e) => fsp.readFile(`/proc/${e}/stat`, 'utf8').catch(() => '')));
    const m = new Map<number, number>();
    all.forEach((e, i) => {
      const stat = stats[i]!;
      if (stat) m.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    });
    return m;
  })();
  parents = { at: Date.now(), map };
  return map;
}

/** Resident memory of a process and its descendants in bytes (Linux /proc). */
export async function rssOfTree(pid: number): Promise<number> {
  const parent = await processParents();
  const tree = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [p, pp] of parent) {
      if (tree.has(pp) && !tree.has(p)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const p of tree) {
    const status = await fsp.readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    if (m?.[1]) total += Number(m[1]) * 1024;
  }
  return total;
}

/**
 * A supervised process's `status` row: stopped without a live pid record, else running or
 * unhealthy as `ready` answers (a throw counts as unhealthy), with its uptime and memory (its
 * tree's unless `rss` says otherwise) and, given `dataDir`, the bytes it keeps there.
 */
export async function processRow(
  paths: Paths,
  name: string,
  o: {
    port?: number;
    ready: () => Promise<boolean>;
    detail?: string;
    dataDir?: string;
    rss?: (pid: number) => Promise<number | undefined>;
  },
): Promise<ProcessRow> {
  const rec = await readPid(paths, name);
  const data = o.dataDir === undefined ? {} : { dataBytes: await dirSize(o.dataDir) };
  const detail = o.detail === undefined ? {} : { detail: o.detail };
  if (!rec) return { name, state: 'stopped', port: o.port, ...data, ...detail };
  return {
    name,
    state: (await o.ready().catch(() => false)) ? 'running' : 'unhealthy',
    pid: rec.pid,
    port: o.port,
    uptimeMs: Date.now() - Date.parse(rec.startedAt),
    rssBytes: await (o.rss ?? rssOfTree)(rec.pid),
    ...data,
    ...detail,
  };
}

/**
 * Bytes on disk under a directory, like `du`: allocated blocks, not apparent sizes (Kafka
 * preallocates 10 MiB sparse index files per partition, which the apparent size would count).
 */
export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += await dirSize(p);
    else total += ((await fsp.stat(p).catch(() => undefined))?.blocks ?? 0) * 512;
  }
  return total;
}

/** The pid record of every supervised process that is running (from the pid files). */
async function supervisedRecords(paths: Paths): Promise<PidRecord[]> {
  const files = (await fsp.readdir(paths.run).catch(() => [] as string[])).filter((f) => f.endsWith('.pid'));
  const records: PidRecord[] = [];
  for (const f of files) {
    const rec = await readPid(paths, f.slice(0, -'.pid'.length));
    if (rec) records.push(rec);
  }
  return records;
}

/** The pid of every supervised process that is running, by name. */
export async function supervisedPids(paths: Paths): Promise<Record<string, number>> {
  return Object.fromEntries((await supervisedRecords(paths)).map((r) => [r.name, r.pid]));
}

/** Resident memory of every supervised process that is running (each with its children). */
export async function supervisedMemory(paths: Paths): Promise<{ name: string; bytes: number }[]> {
  const parts: { name: string; bytes: number }[] = [];
  for (const r of await supervisedRecords(paths)) parts.push({ name: r.name, bytes: await rssOfTree(r.pid) });
  return parts;
}
