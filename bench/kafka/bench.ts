// One bench run: for each client in turn, on the same broker with the same parameters, a
// fresh topic, the chosen loop, a printed summary; then the side-by-side table and the files.
import os from 'node:os';
import { execa } from 'execa';
import { UsageError } from '../../tasks/engine/task.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import { kafkaClasspath } from '../../tasks/config/kafka-jars.ts';
import type { BenchOptions, ClientName } from './args.ts';
import { within, type ClientConfig, type ConsumerDriver, type ProducerDriver } from './clients/types.ts';
import { kafkajsConsumer, kafkajsProducer } from './clients/kafkajs.ts';
import { platformaticConsumer, platformaticProducer } from './clients/platformatic.ts';
import { comparisonLines, summaryLines, writeResults, CLIENT_LABEL, type WrittenFiles } from './output.ts';
import { runEndToEndTool } from './end-to-end-latency.ts';
import { runPerfTest, type PerfTestJvm } from './perf-test.ts';
import type { BenchRun, ClientResult } from './result.ts';
import type { ClientRun } from './loop.ts';
import { closedLoop, openLoop, type Progress } from './runner.ts';
import { connectAdmin, prepareTopic } from './topics.ts';

export interface BenchIO {
  out: (line: string) => void;
  err: (line: string) => void;
  event?: (e: Record<string, unknown>) => void;
  signal?: AbortSignal;
}

export interface BenchOutcome {
  run: BenchRun;
  files?: WrittenFiles;
  /** 0 complete, 1 a client failed, 130 interrupted. */
  exitCode: number;
}

type JsClient = Exclude<ClientName, 'perf-test' | 'e2e-latency'>;

function producerFor(client: JsClient, cfg: ClientConfig): ProducerDriver {
  return client === 'kafkajs' ? kafkajsProducer(cfg) : platformaticProducer(cfg);
}

function consumerFor(client: JsClient, cfg: ClientConfig, groupId: string): ConsumerDriver {
  return client === 'kafkajs' ? kafkajsConsumer(cfg, groupId) : platformaticConsumer(cfg, groupId);
}

/** What else is using the CPU when the run starts: the numbers are only as quiet as the machine. */
async function environment(): Promise<Record<string, unknown>> {
  const ps = await execa('ps', ['-eo', 'pcpu,comm', '--sort=-pcpu', '--no-headers'], {
    reject: false,
    timeout: 3000,
  });
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    busiestProcessesAtStart: String(ps.stdout ?? '')
      .split('\n')
      .slice(0, 6)
      .map((l) => l.trim())
      .filter(Boolean),
  };
}

function progressLine(p: Progress): string {
  const pct = ((100 * p.acked) / Math.max(1, p.total)).toFixed(0);
  const consumed = p.consumed !== undefined ? `, consumed ${p.consumed.toLocaleString('en-US')}` : '';
  return `[${CLIENT_LABEL[p.client]}] ${p.phase}: sent ${p.sent.toLocaleString('en-US')}, acked ${p.acked.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} (${pct}%)${consumed}, ${Math.round(p.rate).toLocaleString('en-US')} msg/s`;
}

/** A JS client's producer (and, in latency mode, consumer) through the chosen loop. */
async function runJsClient(client: JsClient, run: ClientRun, stamp: string): Promise<ClientResult> {
  const { topic, partitions, o, hooks } = run;
  const cfg: ClientConfig = {
    bootstrap: o.bootstrap,
    acks: o.acks,
    compression: o.compression,
    inFlight: o.inFlight,
    requestTimeoutMs: o.stallTimeoutMs,
    clientId: `bench-${client}`,
  };
  const producer = producerFor(client, cfg);
  try {
    await within(producer.connect(), o.stallTimeoutMs, `${CLIENT_LABEL[client]} connect to ${o.bootstrap}`);
    return o.mode === 'throughput'
      ? await closedLoop(producer, topic, partitions, o, hooks)
      : await openLoop(
          producer,
          o.e2e ? consumerFor(client, cfg, `bench-${client}-${stamp}`) : undefined,
          topic,
          partitions,
          o,
          hooks,
        );
  } finally {
    await producer.close().catch(() => undefined);
  }
}

/** One client's run; a failure other than a usage error is a partial result carrying the error. */
async function runClient(
  client: ClientName,
  jvm: PerfTestJvm | undefined,
  run: ClientRun,
  stamp: string,
): Promise<ClientResult> {
  const { topic, partitions, o } = run;
  try {
    if (client === 'perf-test') return await runPerfTest(jvm!, run);
    if (client === 'e2e-latency') return await runEndToEndTool(jvm!, run);
    return await runJsClient(client, run, stamp);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return {
      client,
      mode: o.mode,
      status: 'partial',
      partialReason: (e as Error).message,
      error: (e as Error).message,
      topic,
      partitions,
      counts: { sent: 0, acked: 0, failed: 0, warmup: 0, measured: 0 },
      elapsedS: 0,
      msgPerSec: 0,
      mbPerSec: 0,
      latency: {},
      notes: [],
    };
  }
}

/** The run's record, the comparison table, the files, and the exit code. */
async function finish(
  o: BenchOptions,
  io: BenchIO,
  startedAt: string,
  env: Record<string, unknown>,
  results: ClientResult[],
): Promise<BenchOutcome> {
  const partial = results.some((r) => r.status === 'partial') || results.length < o.clients.length;
  const run: BenchRun = {
    kind: 'kafka-bench',
    version: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    params: { ...o, outDir: undefined },
    environment: { ...env, loadavgAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
    results,
    status: partial ? 'partial' : 'complete',
  };
  const cmp = comparisonLines(results);
  if (cmp.length > 0) {
    io.out('');
    for (const l of cmp) io.out(l);
  }
  const files = results.length > 0 ? await writeResults(run, o.outDir) : undefined;
  if (files) io.out(`\nresults: ${files.json}\nplot:    ${files.svg}`);
  const failed = results.some((r) => r.error);
  const interrupted = io.signal?.aborted === true;
  if (partial)
    io.out(
      failed ? 'bench FAILED: results above are partial' : 'bench interrupted: results above are partial',
    );
  return { run, files, exitCode: failed ? 1 : interrupted ? 130 : 0 };
}

export async function runBench(o: BenchOptions, io: BenchIO): Promise<BenchOutcome> {
  const startedAt = new Date().toISOString();
  let jvm: PerfTestJvm | undefined;
  if (o.clients.includes('perf-test') || o.clients.includes('e2e-latency')) {
    // Fails with a UsageError naming the install command when the jars are not fetched yet.
    jvm = await kafkaClasspath(resolvePaths());
  }
  const env = await environment();
  const admin = await connectAdmin(o.bootstrap, o.stallTimeoutMs);
  const results: ClientResult[] = [];
  const stamp = startedAt.replace(/\D/g, '').slice(0, 14);
  try {
    io.out(
      `Kafka bench (${o.mode}) against ${o.bootstrap}: ${o.clients.map((c) => CLIENT_LABEL[c]).join(', ')}; ` +
        (o.mode === 'throughput'
          ? `${o.messages.toLocaleString('en-US')} × ${o.size} B`
          : `${o.rate.toLocaleString('en-US')} msg/s for ${o.durationS} s × ${o.size} B`) +
        `, acks=${o.acks === -1 ? 'all' : o.acks}, batch ${o.batch}, in-flight ${o.inFlight}, compression ${o.compression}, warm-up ${o.warmup.toLocaleString('en-US')} messages excluded`,
    );
    for (const client of o.clients) {
      if (io.signal?.aborted) break;
      const { topic, partitions, remove } = await prepareTopic(
        admin,
        o,
        `bench-${o.mode}-${client}-${stamp}`,
      );
      const hooks = {
        signal: io.signal,
        onProgress: (p: Progress) => {
          io.err(progressLine(p));
          io.event?.({ type: 'progress', ...p });
        },
      };
      const result = await runClient(client, jvm, { topic, partitions, o, hooks }, stamp);
      results.push(result);
      io.out('');
      for (const l of summaryLines(result)) io.out(l);
      io.event?.({
        type: 'result',
        client,
        status: result.status,
        msgPerSec: result.msgPerSec,
        error: result.error,
      });
      if (remove && !result.error) await admin.remove(topic).catch(() => undefined);
      // A failed client usually means the broker is gone: do not pile more failures on it.
      if (result.error) break;
    }
  } finally {
    await admin.close();
  }
  return finish(o, io, startedAt, env, results);
}
