// wrk on POST /events with a Lua script that counts the answers by status, keeps one trace id a
// second per thread from the 201 bodies (so a run can look its requests up in the trace and log
// stores afterwards) and prints everything as one JSON line. wrk (C, one event loop per thread)
// is the load generator because on a 2-core machine it needs a small fraction of what it drives;
// its own CPU seconds are measured (the shell that runs it reads its children's times) and shown.
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../../tasks/engine/task.ts';

export const LOAD_BODY = JSON.stringify({ type: 'load.test', payload: { qty: 1, note: 'http-load bench' } });

export interface WrkResult {
  requests: number;
  durationUs: number;
  created: number;
  status503: number;
  status413: number;
  otherStatus: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  timeouts: number;
  /** Latency, µs. */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** Trace ids from 201 answers, at most one per second per thread, comma-separated. */
  ids?: string;
}

export interface WrkRun extends WrkResult {
  /** CPU seconds wrk itself used (user + system). */
  wrkCpuS: number;
}

export interface WrkOptions {
  threads: number;
  connections: number;
  seconds: number;
  /** Stop after about this many requests (the script closes its connections then); 0 = no cap. */
  maxRequests?: number;
}

// A thread that reached its share of the request cap stops, but wrk still reports the whole -d
// as the run's duration: each thread therefore notes when it started and when its last answer
// came (gettimeofday through LuaJIT's ffi, which wrk is built with), and a capped run is timed
// by those.
export const WRK_SCRIPT = (body: string, maxPerThread: number) => `
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_usec; } wrk_tv; int gettimeofday(wrk_tv *tv, void *tz); ]]
local tv = ffi.new("wrk_tv")
local function now() ffi.C.gettimeofday(tv, nil); return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec) end
wrk.method = "POST"
wrk.body = ${JSON.stringify(body)}
wrk.headers["content-type"] = "application/json"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  created = 0; s503 = 0; s413 = 0; other = 0; seen = 0; ids = ""; last = 0; capped = 0
  t0 = now(); tlast = t0
end
function request()
  seen = seen + 1
  if ${maxPerThread} > 0 and seen > ${maxPerThread} then capped = 1; wrk.thread:stop() end
  return wrk.format()
end
function response(status, headers, body)
  tlast = now()
  if status == 201 then
    created = created + 1
    local now = os.time()
    if now ~= last then
      local id = string.match(body, '"traceId":"(%x+)"')
      if id then ids = ids .. id .. ","; last = now end
    end
  elseif status == 503 then s503 = s503 + 1
  elseif status == 413 then s413 = s413 + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local c, a, b, o, i, cap, active = 0, 0, 0, 0, "", 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); a = a + t:get("s503"); b = b + t:get("s413"); o = o + t:get("other")
    i = i .. t:get("ids"); cap = math.max(cap, t:get("capped"))
    active = math.max(active, t:get("tlast") - t:get("t0"))
  end
  local duration = summary.duration
  if cap > 0 then duration = active end
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"durationUs":%d,"created":%d,"status503":%d,"status413":%d,"otherStatus":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"timeouts":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.1f,"ids":"%s"}\\n',
    summary.requests, duration, c, a, b, o, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean, i))
end
`;

export function parseWrkResult(stdout: string): WrkResult | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  return line ? (JSON.parse(line.slice('RESULT '.length)) as WrkResult) : undefined;
}

/** The trace ids a run kept, `n` of them spread evenly over the run. */
export function sampleIds(r: Pick<WrkResult, 'ids'>, n: number): string[] {
  const all = (r.ids ?? '').split(',').filter((s) => /^[0-9a-f]{32}$/.test(s));
  if (all.length <= n) return all;
  return Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)]!);
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every Linux we run on). */
export const CLK_TCK = 100;

/** utime, stime, cutime, cstime of a /proc/<pid>/stat line, in seconds. */
export function statTimes(stat: string): { self: number; children: number } {
  // Fields after the command (which may hold spaces) start at field 3 (state).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(f[i - 3] ?? 0) / CLK_TCK;
  return { self: n(14) + n(15), children: n(16) + n(17) };
}

export async function assertWrk(): Promise<void> {
  const r = await execa('wrk', ['-v'], { reject: false });
  if (r.failed && (r as { code?: string }).code === 'ENOENT')
    throw new UsageError('wrk is not installed: apt-get install wrk (Debian package), then run again');
}

/** Runs wrk once on `url`; throws when wrk printed no result. */
export async function runWrk(url: string, o: WrkOptions, body = LOAD_BODY): Promise<WrkRun> {
  const perThread = o.maxRequests ? Math.ceil(o.maxRequests / o.threads) : 0;
  const script = path.join(os.tmpdir(), `http-load-${process.pid}-${Date.now()}.lua`);
  await fsp.writeFile(script, WRK_SCRIPT(body, perThread));
  try {
    // The shell waits for wrk, so its cutime/cstime are wrk's CPU seconds.
    const r = await execa(
      'sh',
      [
        '-c',
        'wrk "$@"; rc=$?; read -r s < /proc/$$/stat; echo "WRKSTAT $s"; exit $rc',
        'sh',
        ...['-t', String(o.threads), '-c', String(o.connections), '-d', `${o.seconds}s`],
        ...['--timeout', '10s', '-s', script, url],
      ],
      { reject: false, timeout: (o.seconds + 60) * 1000 },
    );
    const out = String(r.stdout);
    const res = parseWrkResult(out);
    if (!res)
      throw new Error(`wrk printed no result (exit ${r.exitCode}): ${String(r.stderr || out).slice(-400)}`);
    const stat = out.split('\n').find((l) => l.startsWith('WRKSTAT '));
    return { ...res, wrkCpuS: stat ? statTimes(stat.slice(8)).children : NaN };
  } finally {
    await fsp.rm(script, { force: true });
  }
}
