// REQ-0.2 checks from a short run of the Kafka benchmark (bench/kafka.ts) with the client the
// service template runs by default (templates/service/src/kafka/client.ts): closed-loop
// throughput (> 10,000 msg/s of 100-byte messages) and, at 10,000 msg/s open loop, the
// end-to-end p95 (< 50 ms) from each message's intended send time, so a stall cannot hide. The
// other JS client (kafkajs, still selectable with KAFKA_CLIENT) runs beside it in the same bench
// run; its figures go into the evidence as information and do not decide the check. The 0-3 and
// 0-13 verify steps run them; 0-3's latency check carries the percentile plot for the report.
import os from 'node:os';
import path from 'node:path';
import type { PlatformContext } from '../../tasks/context.ts';
import type { Check } from '../../tasks/engine/task.ts';
import { parseBenchOptions, type ClientName } from '../../bench/kafka/args.ts';
import { runBench, type BenchOutcome } from '../../bench/kafka/bench.ts';
import type { ClientResult } from '../../bench/kafka/result.ts';
import { DEFAULT_KAFKA_CLIENT, KAFKA_CLIENTS } from '../../templates/service/src/kafka/client.ts';
import { defineCheck, runChecks, type DefinedCheck, type Reached } from './define-check.ts';

type JsClient = Extract<ClientName, 'kafkajs' | 'platformatic'>;

export interface KafkaBenchCheckOptions {
  /** Seed task the checks belong to: `0-3` (event bus) or `0-13` (end-to-end validation). */
  task?: '0-3' | '0-13';
  /** The judged client; default the service template's default. */
  client?: JsClient;
  /** Measured beside it as information; default the template's other clients. */
  beside?: JsClient[];
  /** Throughput run: measured messages (default 200,000). */
  messages?: number;
  /** Latency run: rate (default 10,000 msg/s, the REQ-0.2 floor) and measured seconds (default 5). */
  rate?: number;
  durationS?: number;
  /** Where JSON/SVG go (default bench/results). */
  outDir?: string;
  /** Attach the latency run's percentile plot to the latency check (default: task 0-3's). */
  figure?: boolean;
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

const load = () => os.loadavg()[0]!.toFixed(1);

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

interface Plan {
  task: '0-3' | '0-13';
  client: JsClient;
  beside: JsClient[];
  messages: number;
  rate: number;
  durationS: number;
  outDir?: string;
  figure: boolean;
  /** What the runs wrote, filled in as they finish. */
  written: { svg?: string; files: string[] };
}

/** One bench run of the judged client and those beside it; a run that throws is the check's fail. */
async function bench(p: Plan, ep: Reached, ctx: PlatformContext, raw: Record<string, string>): Promise<BenchOutcome> {
  const o = parseBenchOptions({
    bootstrap: ep.url,
    clients: [p.client, ...p.beside].join(','),
    size: '100',
    progress: '5',
    ...(p.outDir ? { out: p.outDir } : {}),
    ...raw,
  });
  const r = await runBench(o, { out: ctx.log, err: ctx.log, signal: ctx.signal });
  if (r.files) p.written.files.push(path.resolve(r.files.json), path.resolve(r.files.svg));
  return r;
}

/** The judged client's result, complete; otherwise a throw with why (the check fails with it). */
function judged(p: Plan, r: BenchOutcome, cmd: string, url: string): ClientResult {
  const c = r.run.results.find((x) => x.client === p.client);
  if (!c || c.status !== 'complete')
    throw new Error(`${c?.partialReason ?? 'the bench produced no result'} (\`${cmd}\` against ${url})`);
  return c;
}

const throughputCheck = (p: Plan) =>
  defineCheck(
    { id: `${p.task}.kafka-throughput`, requirement: 'REQ-0.2', criteria: [...CRITERIA[p.task].throughput], title: `Kafka produce throughput, ${p.client} (the service template's client), 100-byte messages (closed loop)`, needs: 'kafka', proof: 'live', bound: { above: THROUGHPUT_FLOOR, unit: 'msg/s' } },
    async (ep, ctx) => {
      const cmd = `npx tsx bench/kafka.ts --mode throughput --clients ${[p.client, ...p.beside].join(',')} --messages ${p.messages} --size 100`;
      const before = load();
      const tp = await bench(p, ep, ctx, { mode: 'throughput', messages: String(p.messages) });
      const r = judged(p, tp, cmd, ep.url);
      return {
        measured: Math.round(r.msgPerSec),
        evidence:
          `${r.counts.measured} messages acked after ${r.counts.warmup} warm-up in ${r.elapsedS.toFixed(2)} s, ` +
          `${r.mbPerSec.toFixed(2)} MB/s, acks=all, send p95 ${r.latency.send?.summary.p95} ms; ` +
          `load avg ${before} on ${os.cpus().length} cores; \`${cmd}\`; ${tp.files?.json ?? ''}; ` +
          besideText(p.beside, tp, (b) => `${Math.round(b.msgPerSec)} msg/s (send p95 ${b.latency.send?.summary.p95} ms)`),
      };
    },
  );

const latencyCheck = (p: Plan) =>
  defineCheck(
    { id: `${p.task}.kafka-latency-p95`, requirement: 'REQ-0.2', criteria: [...CRITERIA[p.task].latency], title: `Kafka end-to-end latency p95 at ${p.rate} msg/s, ${p.client} (the service template's client; open loop, from intended send time)`, needs: 'kafka', proof: 'live', bound: { below: P95_CEILING_MS, unit: 'ms' } },
    async (ep, ctx) => {
      if (ctx.signal.aborted) throw new Error('interrupted before the latency run');
      const cmd = `npx tsx bench/kafka.ts --mode latency --clients ${[p.client, ...p.beside].join(',')} --rate ${p.rate} --duration ${p.durationS} --size 100`;
      const before = load();
      const lt = await bench(p, ep, ctx, { mode: 'latency', rate: String(p.rate), duration: String(p.durationS) });
      if (lt.files) p.written.svg = lt.files.svg;
      const r = judged(p, lt, cmd, ep.url);
      const e2e = r.latency.e2e?.summary;
      if (!e2e || e2e.count === 0) throw new Error(`no end-to-end figure (\`${cmd}\` against ${ep.url})`);
      const accounted = r.counts.consumed === r.counts.acked && r.counts.acked === r.counts.sent;
      return {
        measured: e2e.p95,
        evidence:
          `e2e p50 ${e2e.p50} / p95 ${e2e.p95} / p99 ${e2e.p99} / max ${e2e.max} ms over ${e2e.count} messages; ` +
          `produce (ack) p95 ${r.latency.intended?.summary.p95} ms; sent ${r.counts.sent} = acked ${r.counts.acked} = consumed ${r.counts.consumed}; ` +
          `achieved ${Math.round(r.msgPerSec)} msg/s; load avg ${before}; \`${cmd}\`; ${lt.files?.json ?? ''}; ` +
          besideText(p.beside, lt, (b) => {
            const s = b.latency.e2e?.summary;
            return s ? `e2e p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} ms` : 'no end-to-end figure';
          }),
        problems: accounted ? [] : ['not every sent message was acked and consumed exactly once'],
        ...(p.figure && lt.files
          ? { figure: { title: 'Kafka end-to-end latency by percentile (REQ-0.2)', svgFile: path.resolve(lt.files.svg) } }
          : {}),
      };
    },
  );

/** The two REQ-0.2 checks as data; `written` collects the files their runs write. */
export function kafkaBenchSpecs(opts: KafkaBenchCheckOptions = {}): { checks: DefinedCheck[]; written: Plan['written'] } {
  const task = opts.task ?? '0-3';
  const client = opts.client ?? DEFAULT_KAFKA_CLIENT;
  const p: Plan = {
    task,
    client,
    beside: opts.beside ?? KAFKA_CLIENTS.filter((c) => c !== client),
    messages: opts.messages ?? 200_000,
    rate: opts.rate ?? THROUGHPUT_FLOOR,
    durationS: opts.durationS ?? 5,
    ...(opts.outDir ? { outDir: opts.outDir } : {}),
    figure: opts.figure ?? task === '0-3',
    written: { files: [] },
  };
  return { checks: [throughputCheck(p), latencyCheck(p)], written: p.written };
}

/** Runs both checks: the checks, the latency plot and every file the runs wrote. */
export async function kafkaBenchChecks(ctx: PlatformContext, opts: KafkaBenchCheckOptions = {}): Promise<KafkaBenchChecks> {
  const { checks, written } = kafkaBenchSpecs(opts);
  const out = await runChecks(ctx, checks);
  return { checks: out, ...(written.svg ? { svg: written.svg } : {}), files: written.files };
}
