// One row of a load run: wrk on a demo's POST /events (warm-up, then the measured run), the
// messages its topic gained, and the CPU of the processes that serve it per 1,000 requests.
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { orchestratorKafka } from '../../tasks/topics.ts';
import { cpuPer1000, type CpuSnapshot, type Findable } from './observed.ts';
import type { LoadOptions, RowName } from './options.ts';
import { runWrk, type WrkRun } from './wrk.ts';

/** Sum of the partitions' high watermarks: every message the topic ever held. */
export async function messagesIn(bootstrap: string, topic: string): Promise<number> {
  const admin = orchestratorKafka(bootstrap, 'http-load').admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function waitReady(base: string, child: ChildProcess, logFile: string): Promise<void> {
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`demo service exited (${child.exitCode}); see ${logFile}`);
    const ok = await fetch(`${base}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`demo service not ready after 90 s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface RowResult {
  row: RowName;
  url: string;
  topic: string;
  observability: string;
  warmup: WrkRun;
  run: WrkRun;
  reqPerSec: number;
  created: number;
  /** Messages the topic gained from before the warm-up to after the run. */
  gained: number;
  lost: number;
  /** CPU seconds per 1,000 measured requests, per process (wrk included). */
  cpuPer1000: Record<string, number>;
  findable?: Findable;
  loadStart: number[];
  loadEnd: number[];
}

export interface Served {
  url: string;
  topic: string;
  observability: string;
  /** CPU of the processes that serve this row, now. */
  cpu(): Promise<CpuSnapshot>;
}

export async function measure(
  o: LoadOptions,
  row: RowName,
  s: Served,
  out: (l: string) => void,
): Promise<RowResult> {
  const loadStart = os.loadavg();
  const wrkOpts = { threads: o.threads, connections: o.connections };
  out(
    `${row}: wrk -t${o.threads} -c${o.connections} -d${o.durationS}s POST ${s.url}/events (topic ${s.topic}; ${s.observability}); load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const before = await messagesIn(o.bootstrap, s.topic).catch(() => 0);
  const warmup = await runWrk(`${s.url}/events`, { ...wrkOpts, seconds: o.warmupS });
  const cpu0 = await s.cpu();
  const run = await runWrk(`${s.url}/events`, { ...wrkOpts, seconds: o.durationS });
  const cpu1 = await s.cpu();
  const loadEnd = os.loadavg();
  // wrk waited for every answer, so every 201's message is in the topic now.
  const gained = (await messagesIn(o.bootstrap, s.topic)) - before;
  const created = warmup.created + run.created;
  const cpu = { ...cpuPer1000(cpu0, cpu1, run.requests), wrk: (run.wrkCpuS * 1000) / run.requests };
  return {
    row,
    url: s.url,
    topic: s.topic,
    observability: s.observability,
    warmup,
    run,
    reqPerSec: run.requests / (run.durationUs / 1e6),
    created,
    gained,
    lost: Math.max(0, created - gained),
    cpuPer1000: cpu,
    loadStart,
    loadEnd,
  };
}
