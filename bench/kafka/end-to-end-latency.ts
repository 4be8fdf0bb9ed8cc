// Kafka's own end-to-end latency tool (org.apache.kafka.tools.EndToEndLatency in the tools jar)
// beside the JS clients in latency mode: the JVM anchor for the physical floor on this machine.
// It is a closed loop (send one record, poll until it comes back, repeat) with a consumer that
// fetches with fetch.max.wait.ms=0 and a producer with linger.ms=0 (as the tool sets them), so its figure is the round trip through this broker on this
// machine without queueing; it is not run at --rate. It prints the average and the 50th, 99th
// and 99.9th percentiles in whole milliseconds (truncated), no p95.
import type { BenchOptions } from './args.ts';
import { nowUs } from './clock.ts';
import { RunControl } from './control.ts';
import { runJvmTool } from './jvm-tool.ts';
import type { PerfTestJvm } from './perf-test.ts';
import { mbPerSec, type ClientResult } from './result.ts';
import type { ClientRun } from './loop.ts';

/** One record at a time takes a few ms each: the tool gets at most this many. */
export const E2E_TOOL_MAX_RECORDS = 10_000;

export interface EndToEndSummary {
  avgMs: number;
  p50: number;
  p99: number;
  p999: number;
}

const AVG_RE = /^Avg latency: ([\d.]+) ms$/;
const PCT_RE = /^Percentiles: 50th = (\d+), 99th = (\d+), 99\.9th = (\d+)$/;

/** Parses the tool's stdout; undefined until both summary lines are there. */
export function parseEndToEnd(lines: string[]): EndToEndSummary | undefined {
  let avg: number | undefined;
  let pct: RegExpExecArray | null = null;
  for (const l of lines) {
    const t = l.trim();
    const a = AVG_RE.exec(t);
    if (a) avg = Number(a[1]);
    pct = PCT_RE.exec(t) ?? pct;
  }
  if (avg === undefined || !pct) return undefined;
  return { avgMs: avg, p50: Number(pct[1]), p99: Number(pct[2]), p999: Number(pct[3]) };
}

export function endToEndRecords(o: Pick<BenchOptions, 'rate' | 'durationS'>): number {
  return Math.min(E2E_TOOL_MAX_RECORDS, Math.ceil(o.rate * o.durationS));
}

export function endToEndArgs(
  jvm: PerfTestJvm,
  topic: string,
  o: Pick<BenchOptions, 'bootstrap' | 'size' | 'acks' | 'rate' | 'durationS'>,
): string[] {
  return [
    '-Xmx256M',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    ...(jvm.log4jConfig ? [`-Dlog4j2.configurationFile=${jvm.log4jConfig}`] : []),
    '-cp',
    jvm.classpath,
    'org.apache.kafka.tools.EndToEndLatency',
    '--bootstrap-server',
    o.bootstrap,
    '--topic',
    topic,
    '--num-records',
    String(endToEndRecords(o)),
    '--producer-acks',
    o.acks === -1 ? 'all' : '1',
    '--record-size',
    String(o.size),
  ];
}

export async function runEndToEndTool(jvm: PerfTestJvm, { topic, partitions, o, hooks }: ClientRun): Promise<ClientResult> {
  const ctl = new RunControl(hooks.signal);
  const records = endToEndRecords(o);
  const out: string[] = [];
  const t0 = nowUs();
  const r = await runJvmTool(jvm, endToEndArgs(jvm, topic, o), ctl, {
    silenceMs: o.stallTimeoutMs + 30_000,
    stalled: () =>
      `EndToEndLatency printed nothing for ${(o.stallTimeoutMs + 30_000) / 1000} s (broker at ${o.bootstrap} down?)`,
    onStdout: (line) => {
      out.push(line);
      // Progress: the tool prints "<i>\t<latency ms>" every 1,000 records.
      const m = /^(\d+)\t/.exec(line);
      if (m)
        hooks.onProgress?.({
          client: 'e2e-latency',
          phase: 'measuring',
          sent: Number(m[1]),
          acked: Number(m[1]),
          total: records,
          rate: 0,
        });
    },
  });
  const elapsedS = (nowUs() - t0) / 1e6;
  ctl.dispose();
  const s = parseEndToEnd(out);
  if (!ctl.stopped && ((r.exitCode ?? 1) !== 0 || !s)) {
    ctl.fail(
      new Error(
        `EndToEndLatency exited ${r.exitCode ?? r.signal}${s ? '' : ' without its summary'}: ${r.stderrTail.slice(-3).join(' | ').slice(0, 400)}`,
      ),
    );
  }
  // Records per second of the closed loop, JVM start included: an order of magnitude, no more.
  const msgPerSec = s && elapsedS > 0 ? records / elapsedS : 0;
  return {
    client: 'e2e-latency',
    mode: 'latency',
    ...ctl.partial(),
    topic,
    partitions,
    counts: {
      sent: s ? records : 0,
      acked: s ? records : 0,
      failed: 0,
      warmup: 0,
      measured: s ? records : 0,
    },
    elapsedS,
    msgPerSec,
    mbPerSec: mbPerSec(msgPerSec, o.size),
    latency: s
      ? {
          e2e: {
            summary: {
              count: records,
              mean: s.avgMs,
              p50: s.p50,
              p90: NaN,
              p95: NaN,
              p99: s.p99,
              p999: s.p999,
              max: NaN,
            },
            points: [
              [50, s.p50],
              [99, s.p99],
              [99.9, s.p999],
            ],
          },
        }
      : {},
    notes: [
      `Kafka's EndToEndLatency: ${records.toLocaleString('en-US')} records one at a time (closed loop, not at --rate), linger.ms=0, fetch.max.wait.ms=0; whole ms, truncated; prints no p90/p95; msg/s includes JVM start`,
    ],
  };
}
