// Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance, what
// kafka-producer-perf-test runs) against the same broker, topic layout and parameters, and a
// parser for what it prints. Its latency is send() → callback in whole milliseconds from
// System.currentTimeMillis, sampled, not corrected for coordinated omission: compare it with
// the JS clients' `send` series, never with the open-loop `intended` one.
import type { BenchOptions } from './args.ts';
import { RunControl } from './control.ts';
import { mbPerSec, type ClientResult } from './result.ts';
import { runJvmTool } from './jvm-tool.ts';
import type { ClientRun } from './loop.ts';

export interface PerfTestTotal {
  records: number;
  steadyState: boolean;
  recordsPerSec: number;
  mbPerSec: number;
  avgMs: number;
  maxMs: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
}

export interface PerfTestWindow {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgMs: number;
  maxMs: number;
}

export type PerfTestLine = ({ kind: 'total' } & PerfTestTotal) | ({ kind: 'window' } & PerfTestWindow);

const NUM = '(-?[\\d.]+|NaN|Infinity)';
const TOTAL_RE = new RegExp(
  `^(\\d+)( steady state)? records sent, ${NUM} records/sec \\(${NUM} MB/sec\\), ${NUM} ms avg latency, ${NUM} ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99\\.9th\\.$`,
);
const WINDOW_RE = new RegExp(
  `^(\\d+) records sent, ${NUM} records/sec \\(${NUM} MB/sec\\), ${NUM} ms avg latency, ${NUM} ms max latency\\.$`,
);

/** Parses one stdout line of ProducerPerformance; undefined for anything else. */
export function parsePerfTestLine(line: string): PerfTestLine | undefined {
  const t = line.trim();
  const m = TOTAL_RE.exec(t);
  if (m) {
    return {
      kind: 'total',
      records: Number(m[1]),
      steadyState: m[2] !== undefined,
      recordsPerSec: Number(m[3]),
      mbPerSec: Number(m[4]),
      avgMs: Number(m[5]),
      maxMs: Number(m[6]),
      p50: Number(m[7]),
      p95: Number(m[8]),
      p99: Number(m[9]),
      p999: Number(m[10]),
    };
  }
  const w = WINDOW_RE.exec(t);
  if (w) {
    return {
      kind: 'window',
      records: Number(w[1]),
      recordsPerSec: Number(w[2]),
      mbPerSec: Number(w[3]),
      avgMs: Number(w[4]),
      maxMs: Number(w[5]),
    };
  }
  return undefined;
}

/** The summary to report: the steady-state line when warm-up was split off, else the overall one. */
export function pickTotal(lines: PerfTestLine[]): PerfTestTotal | undefined {
  const totals = lines.filter((l): l is { kind: 'total' } & PerfTestTotal => l.kind === 'total');
  return totals.find((t) => t.steadyState) ?? totals[totals.length - 1];
}

/** A stack trace's first line, e.g. `org.apache.kafka.common.errors.TimeoutException: …`. */
const FATAL_RE = /^(?:Exception in thread .*|[\w.$]+(?:Exception|Error)(?::.*)?)$/;

export interface PerfTestJvm {
  java: string;
  classpath: string;
  log4jConfig?: string;
}

export function perfTestArgs(
  jvm: PerfTestJvm,
  topic: string,
  o: Pick<
    BenchOptions,
    | 'bootstrap'
    | 'messages'
    | 'warmup'
    | 'size'
    | 'acks'
    | 'batch'
    | 'lingerMs'
    | 'inFlight'
    | 'compression'
    | 'stallTimeoutMs'
  >,
): string[] {
  // batch.size is bytes per partition batch: room for `batch` records of `size` bytes plus the
  // v2 record overhead (~ up to 20 bytes each) and the 61-byte batch header.
  const batchBytes = o.batch * (o.size + 20) + 61;
  const requestTimeout = Math.max(1000, Math.round(o.stallTimeoutMs));
  return [
    '-Xmx512M',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    '-Duser.language=en',
    '-Duser.country=US',
    ...(jvm.log4jConfig ? [`-Dlog4j2.configurationFile=${jvm.log4jConfig}`] : []),
    '-cp',
    jvm.classpath,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(o.warmup + o.messages),
    ...(o.warmup > 0 ? ['--warmup-records', String(o.warmup)] : []),
    '--record-size',
    String(o.size),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${o.bootstrap}`,
    `acks=${o.acks === -1 ? 'all' : o.acks}`,
    `batch.size=${batchBytes}`,
    `linger.ms=${o.lingerMs}`,
    `max.in.flight.requests.per.connection=${o.inFlight}`,
    `compression.type=${o.compression}`,
    'enable.idempotence=false',
    `request.timeout.ms=${requestTimeout}`,
    `delivery.timeout.ms=${requestTimeout + o.lingerMs}`,
    `max.block.ms=${requestTimeout}`,
    'client.id=bench-perf-test',
  ];
}

/** Runs ProducerPerformance to completion, Ctrl-C, the first send error or a stall. */
export async function runPerfTest(jvm: PerfTestJvm, { topic, partitions, o, hooks }: ClientRun): Promise<ClientResult> {
  const ctl = new RunControl(hooks.signal);
  const args = perfTestArgs(jvm, topic, o);
  const total = o.warmup + o.messages;
  const lines: PerfTestLine[] = [];
  let windowed = 0;
  const r = await runJvmTool(jvm, args, ctl, {
    // The tool prints a window line every 5 s while records complete: silence well past that is a stall.
    silenceMs: o.stallTimeoutMs + 5000,
    stalled: () =>
      `kafka-producer-perf-test printed nothing for ${(o.stallTimeoutMs + 5000) / 1000} s (broker at ${o.bootstrap} down or stalled?)`,
    onStdout: (line) => {
      const parsed = parsePerfTestLine(line);
      if (!parsed) return;
      lines.push(parsed);
      if (parsed.kind !== 'window') return;
      windowed += parsed.records;
      hooks.onProgress?.({
        client: 'perf-test',
        phase: windowed < o.warmup ? 'warm-up' : 'measuring',
        sent: windowed,
        acked: windowed,
        total,
        rate: parsed.recordsPerSec,
      });
    },
    onStderr: (line) => {
      if (FATAL_RE.test(line.trim())) ctl.fail(new Error(`kafka-producer-perf-test: ${line.trim().slice(0, 300)}`));
    },
  });
  ctl.dispose();
  if (!ctl.stopped && (r.exitCode ?? 1) !== 0) {
    ctl.fail(
      new Error(
        `kafka-producer-perf-test exited ${r.exitCode ?? r.signal}: ${r.stderrTail.slice(-3).join(' | ').slice(0, 400)}`,
      ),
    );
  }
  return perfTestResult(lines, windowed, topic, partitions, o, ctl);
}

function perfTestResult(
  lines: PerfTestLine[],
  windowed: number,
  topic: string,
  partitions: number,
  o: BenchOptions,
  ctl: RunControl,
): ClientResult {
  const t = pickTotal(lines);
  const windows = lines.filter((l) => l.kind === 'window');
  const acked = t ? (t.steadyState ? t.records + o.warmup : t.records) : windowed;
  const measured = t ? (t.steadyState || o.warmup === 0 ? t.records : Math.max(0, t.records - o.warmup)) : 0;
  const msgPerSec = t?.recordsPerSec ?? 0;
  const summary = t
    ? {
        count: t.records,
        mean: t.avgMs,
        p50: t.p50,
        p90: NaN,
        p95: t.p95,
        p99: t.p99,
        p999: t.p999,
        max: t.maxMs,
      }
    : undefined;
  const partial = ctl.partial();
  return {
    client: 'perf-test',
    mode: 'throughput',
    ...(t || partial.status === 'partial'
      ? partial
      : { status: 'partial', partialReason: 'no summary line printed', error: 'no summary line printed' }),
    topic,
    partitions,
    counts: { sent: acked, acked, failed: 0, warmup: Math.min(o.warmup, acked), measured },
    elapsedS: msgPerSec > 0 ? measured / msgPerSec : 0,
    msgPerSec,
    mbPerSec: t ? t.mbPerSec : mbPerSec(0, o.size),
    latency: summary
      ? {
          send: {
            summary,
            points: [
              [50, t!.p50],
              [95, t!.p95],
              [99, t!.p99],
              [99.9, t!.p999],
              [100, t!.maxMs],
            ],
          },
        }
      : {},
    notes: [
      `kafka-producer-perf-test (ProducerPerformance): batch.size=${o.batch * (o.size + 20) + 61} B, linger.ms=${o.lingerMs}, max.in.flight=${o.inFlight}, sticky partitioner`,
      `warm-up: first ${o.warmup.toLocaleString('en-US')} records excluded (--warmup-records; its steady-state line is reported)`,
      'latency: send() → callback in whole ms, sampled; p90 not printed by the tool',
      ...(t ? [] : [`window lines seen: ${windows.length}`]),
    ],
  };
}
