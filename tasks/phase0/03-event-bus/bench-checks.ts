// REQ-0.2 checks from a short run of the Kafka benchmark (bench/kafka.ts) with the client the
// service template runs by default (templates/service/src/kafka/client.ts): closed-loop
// throughput (> 10,000 msg/s of 100-byte messages) and, at 10,000 msg/s open loop, the
// end-to-end p95 (< 50 ms) from each message's intended send time, so a stall cannot hide. The
// other JS client (kafkajs, still selectable with KAFKA_CLIENT) runs beside it in the same bench
// run; its figures go into the evidence as information and do not decide the check. The 0-3 and
// 0-13 verify steps call it; the report embeds the returned SVG.
import os from 'node:os';
import path from 'node:path';
import type { PlatformContext } from '../../context.ts';
import { check, type Check } from '../../engine/task.ts';
import { isAvailable } from '../../targets/target.ts';
import { parseBenchOptions, type ClientName } from '../../../bench/kafka/args.ts';
import { runBench, type BenchOutcome } from '../../../bench/kafka/bench.ts';
import type { ClientResult } from '../../../bench/kafka/result.ts';
import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS } from '../../../templates/service/src/kafka/client.ts';
import { proofVia } from '../../../validation/lib/checks.ts';

export interface KafkaBenchCheckOptions {
  /** Seed task the checks belong to: `0-3` (event bus) or `0-13` (end-to-end validation). */
  task?: '0-3' | '0-13';
  /** The judged client; default the service template's default. */
  client?: Extract<ClientName, 'kafkajs' | 'platformatic'>;
  /** Measured beside it as information; default the template's other clients. */
  beside?: Extract<ClientName, 'kafkajs' | 'platformatic'>[];
  /** Throughput run: measured messages (default 200,000). */
  messages?: number;
  /** Latency run: rate (default 10,000 msg/s, the REQ-0.2 floor) and measured seconds (default 5). */
  rate?: number;
  durationS?: number;
  /** Where JSON/SVG go (default bench/results). */
  outDir?: string;
}

export interface KafkaBenchChecks {
  checks: Check[];
  /** Percentile plot of the latency run (produce and end-to-end), for the report. */
  svg?: string;
  /** Every file the runs wrote (JSON results, SVG plots). */
  files: string[];
}

export const THROUGHPUT_FLOOR = 10_000;
export const P95_CEILING_MS = 50;

const CRITERIA = {
  '0-3': { throughput: ['0-3.ac4'], latency: ['0-3.ac5'] },
  '0-13': { throughput: ['0-13.ac9'], latency: ['0-13.ac9'] },
} as const;

const errLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);

/** The other clients' figures from the same bench run, for the evidence: information only. */
function besideText(
  clients: readonly string[],
  outcome: BenchOutcome | undefined,
  figures: (r: ClientResult) => string,
): string {
  if (clients.length === 0) return '';
  const parts = clients.map((c) => {
    const r = outcome?.run.results.find((x) => x.client === c);
    if (!r) return `${c}: not run`;
    if (r.status !== 'complete') return `${c}: ${r.partialReason ?? 'partial'}`;
    return `${c} ${figures(r)}`;
  });
  return `beside it, as information (not judged): ${parts.join('; ')}`;
}

export async function kafkaBenchChecks(
  ctx: PlatformContext,
  opts: KafkaBenchCheckOptions = {},
): Promise<KafkaBenchChecks> {
  const task = opts.task ?? '0-3';
  const client = opts.client ?? DEFAULT_KAFKA_CLIENT;
  const beside = opts.beside ?? KAFKA_CLIENTS.filter((c) => c !== client);
  const messages = opts.messages ?? 200_000;
  const rate = opts.rate ?? THROUGHPUT_FLOOR;
  const durationS = opts.durationS ?? 5;
  const ids = { throughput: `${task}.kafka-throughput`, latency: `${task}.kafka-latency-p95` };
  const endpoint = ctx.target.endpoints().kafka;
  if (!isAvailable(endpoint)) {
    return {
      checks: [
        check({
          ...proofVia(endpoint),
          id: ids.throughput,
          requirement: 'REQ-0.2',
          criteria: [...CRITERIA[task].throughput],
          title: 'Kafka produce throughput',
          status: 'skip',
          reason: endpoint.unavailable,
        }),
        check({
          ...proofVia(endpoint),
          id: ids.latency,
          requirement: 'REQ-0.2',
          criteria: [...CRITERIA[task].latency],
          title: 'Kafka latency p95',
          status: 'skip',
          reason: endpoint.unavailable,
        }),
      ],
      files: [],
    };
  }
  const common = {
    bootstrap: endpoint.url,
    clients: [client, ...beside].join(','),
    size: '100',
    progress: '5',
    ...(opts.outDir ? { out: opts.outDir } : {}),
  };
  const io = { out: ctx.log, err: ctx.log, signal: ctx.signal };
  const load = () => os.loadavg()[0]!.toFixed(1);

  const clientsFlag = [client, ...beside].join(',');
  const throughputCmd = `npx tsx bench/kafka.ts --mode throughput --clients ${clientsFlag} --messages ${messages} --size 100`;
  const t0 = performance.now();
  const loadBefore = load();
  let tp: BenchOutcome | undefined;
  let tpError: string | undefined;
  try {
    tp = await runBench(parseBenchOptions({ ...common, mode: 'throughput', messages: String(messages) }), io);
  } catch (e) {
    tpError = errLine(e);
  }
  const tpResult: ClientResult | undefined = tp?.run.results.find((r) => r.client === client);
  const tpMs = Math.round(performance.now() - t0);
  const throughput =
    tpResult && tpResult.status === 'complete'
      ? check({
          ...proofVia(endpoint),
          id: ids.throughput,
          requirement: 'REQ-0.2',
          criteria: [...CRITERIA[task].throughput],
          title: `Kafka produce throughput, ${client} (the service template's client), 100-byte messages (closed loop)`,
          status: tpResult.msgPerSec > THROUGHPUT_FLOOR ? 'pass' : 'fail',
          measured: Math.round(tpResult.msgPerSec),
          threshold: `> ${THROUGHPUT_FLOOR}`,
          unit: 'msg/s',
          evidence:
            `${tpResult.counts.measured} messages acked after ${tpResult.counts.warmup} warm-up in ${tpResult.elapsedS.toFixed(2)} s, ` +
            `${tpResult.mbPerSec.toFixed(2)} MB/s, acks=all, send p95 ${tpResult.latency.send?.summary.p95} ms; ` +
            `load avg ${loadBefore} on ${os.cpus().length} cores; \`${throughputCmd}\`; ${tp?.files?.json ?? ''}; ` +
            besideText(
              beside,
              tp,
              (r) => `${Math.round(r.msgPerSec)} msg/s (send p95 ${r.latency.send?.summary.p95} ms)`,
            ),
          ...(tpResult.msgPerSec > THROUGHPUT_FLOOR
            ? {}
            : { reason: `${Math.round(tpResult.msgPerSec)} msg/s is not above ${THROUGHPUT_FLOOR}` }),
          durationMs: tpMs,
        })
      : check({
          ...proofVia(endpoint),
          id: ids.throughput,
          requirement: 'REQ-0.2',
          criteria: [...CRITERIA[task].throughput],
          title: `Kafka produce throughput, ${client} (the service template's client), 100-byte messages (closed loop)`,
          status: 'fail',
          threshold: `> ${THROUGHPUT_FLOOR}`,
          unit: 'msg/s',
          reason: tpError ?? tpResult?.partialReason ?? 'the bench produced no result',
          evidence: `\`${throughputCmd}\` against ${endpoint.url}`,
          durationMs: tpMs,
        });

  const latencyCmd = `npx tsx bench/kafka.ts --mode latency --clients ${clientsFlag} --rate ${rate} --duration ${durationS} --size 100`;
  const t1 = performance.now();
  const loadBefore2 = load();
  let lt: BenchOutcome | undefined;
  let ltError: string | undefined;
  if (!ctx.signal.aborted) {
    try {
      lt = await runBench(
        parseBenchOptions({ ...common, mode: 'latency', rate: String(rate), duration: String(durationS) }),
        io,
      );
    } catch (e) {
      ltError = errLine(e);
    }
  }
  const ltResult = lt?.run.results.find((r) => r.client === client);
  const e2e = ltResult?.latency.e2e?.summary;
  const accounted =
    ltResult &&
    ltResult.counts.consumed === ltResult.counts.acked &&
    ltResult.counts.acked === ltResult.counts.sent;
  const ltMs = Math.round(performance.now() - t1);
  const latency =
    ltResult && ltResult.status === 'complete' && e2e && e2e.count > 0
      ? check({
          ...proofVia(endpoint),
          id: ids.latency,
          requirement: 'REQ-0.2',
          criteria: [...CRITERIA[task].latency],
          title: `Kafka end-to-end latency p95 at ${rate} msg/s, ${client} (the service template's client; open loop, from intended send time)`,
          status: e2e.p95 < P95_CEILING_MS && accounted ? 'pass' : 'fail',
          measured: e2e.p95,
          threshold: `< ${P95_CEILING_MS}`,
          unit: 'ms',
          evidence:
            `e2e p50 ${e2e.p50} / p95 ${e2e.p95} / p99 ${e2e.p99} / max ${e2e.max} ms over ${e2e.count} messages; ` +
            `produce (ack) p95 ${ltResult.latency.intended?.summary.p95} ms; sent ${ltResult.counts.sent} = acked ${ltResult.counts.acked} = consumed ${ltResult.counts.consumed}; ` +
            `achieved ${Math.round(ltResult.msgPerSec)} msg/s; load avg ${loadBefore2}; \`${latencyCmd}\`; ${lt?.files?.json ?? ''}; ` +
            besideText(beside, lt, (r) => {
              const s = r.latency.e2e?.summary;
              return s ? `e2e p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} ms` : 'no end-to-end figure';
            }),
          ...(e2e.p95 < P95_CEILING_MS && accounted
            ? {}
            : {
                reason: accounted
                  ? `p95 ${e2e.p95} ms is not below ${P95_CEILING_MS} ms`
                  : 'not every sent message was acked and consumed exactly once',
              }),
          durationMs: ltMs,
        })
      : check({
          ...proofVia(endpoint),
          id: ids.latency,
          requirement: 'REQ-0.2',
          criteria: [...CRITERIA[task].latency],
          title: `Kafka end-to-end latency p95 at ${rate} msg/s, ${client} (the service template's client; open loop, from intended send time)`,
          status: 'fail',
          threshold: `< ${P95_CEILING_MS}`,
          unit: 'ms',
          reason: ctx.signal.aborted
            ? 'interrupted before the latency run'
            : (ltError ?? ltResult?.partialReason ?? 'the bench produced no result'),
          evidence: `\`${latencyCmd}\` against ${endpoint.url}`,
          durationMs: ltMs,
        });

  const files = [tp?.files, lt?.files].flatMap((f) => (f ? [f.json, f.svg] : []));
  return {
    checks: [throughput, latency],
    ...(lt?.files ? { svg: lt.files.svg } : {}),
    files: files.map((f) => path.resolve(f)),
  };
}
