// The Kafka benchmark against a real broker (the native target's Kafka in a temp dir on free
// ports): message accounting, percentile sanity, result files, bad topic, Ctrl-C and a broker
// killed mid-run. Correctness only: no assertion here is about speed.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestBroker, type TestBroker } from '../support/kafka-broker.ts';
import { freePort } from '../../tasks/ports.ts';
import { parseBenchOptions } from '../../bench/kafka/args.ts';
import { runBench, type BenchOutcome } from '../../bench/kafka/bench.ts';
import { main } from '../../bench/kafka.ts';
import type { BenchRun, ClientResult, SeriesName } from '../../bench/kafka/result.ts';
import type { PlatformContext } from '../../tasks/context.ts';
import { nativeEndpoints } from '../../tasks/targets/native/index.ts';
import { kafkaBenchChecks } from '../../validation/lib/kafka-bench-checks.ts';
import { loud } from '../support/loud-hook.ts';

let broker: TestBroker | undefined;
let out = '';

test.before(
  loud(async () => {
    out = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-results-'));
    broker = await startTestBroker();
  }),
);

test.after(async () => {
  await broker?.stop();
  await fsp.rm(out, { recursive: true, force: true });
});

function run(
  raw: Record<string, string | boolean>,
  opts: { signal?: AbortSignal; onLine?: (l: string) => void } = {},
) {
  const lines: string[] = [];
  const sink = (l: string) => {
    lines.push(l);
    opts.onLine?.(l);
  };
  // These runs check what the bench counts and writes, not how fast: a generous stall timeout, so a
  // machine loaded by the parallel test files (a JVM client silent for 15 s at a load average of 25
  // on a clean clone's .ci/run) is not a "stall". The stall test below sets its own.
  const o = parseBenchOptions({
    bootstrap: broker!.bootstrap,
    out,
    progress: '0.25',
    'stall-timeout': '60',
    ...raw,
  });
  return { lines, done: runBench(o, { out: sink, err: sink, signal: opts.signal }) };
}

function assertMonotonic(r: ClientResult): void {
  for (const [name, s] of Object.entries(r.latency)) {
    const x = s!.summary;
    const seq = [x.p50, x.p90, x.p95, x.p99, x.p999, x.max].filter((v) => !Number.isNaN(v));
    for (let i = 1; i < seq.length; i++)
      assert.ok(seq[i]! >= seq[i - 1]!, `${r.client} ${name}: ${seq.join(' ')}`);
    for (let i = 1; i < s!.points.length; i++)
      assert.ok(s!.points[i]![1] >= s!.points[i - 1]![1], `${r.client} ${name} plot`);
  }
}

test('latency mode (kafkajs, @platformatic/kafka): sent = acked = consumed, CO-corrected ≥ uncorrected', async () => {
  const { lines, done } = run({
    mode: 'latency',
    rate: '1000',
    duration: '2',
    warmup: '500',
    partitions: '2',
  });
  const r = await done;
  assert.is(r.exitCode, 0, lines.filter((l) => !l.startsWith('[')).join('\n'));
  assert.is(r.run.results.length, 2);
  for (const c of r.run.results) {
    assert.is(c.status, 'complete', `${c.client}: ${c.partialReason}`);
    assert.is(c.counts.sent, 2500, c.client);
    assert.is(c.counts.acked, 2500, c.client);
    assert.is(c.counts.consumed, 2500, c.client);
    assert.is(c.counts.duplicates, 0, c.client);
    assert.is(c.counts.failed, 0, c.client);
    assert.is(c.counts.measured, 2000, `${c.client}: warm-up excluded`);
    for (const name of ['send', 'intended', 'e2e'] as SeriesName[])
      assert.is(c.latency[name]?.summary.count, 2000, `${c.client} ${name}`);
    assertMonotonic(c);
    const [i, s] = [c.latency.intended!.summary, c.latency.send!.summary];
    for (const k of ['p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const)
      assert.ok(i[k] >= s[k], `${c.client} ${k}: ${i[k]} < ${s[k]}`);
  }
});

test('throughput mode, all three clients: every message acked, side-by-side ratios, JSON/SVG/hgrm written', async () => {
  const { lines, done } = run({ messages: '20000', warmup: '2000', batch: '500' });
  const r = await done;
  assert.is(r.exitCode, 0, lines.slice(-5).join('\n'));
  assert.equal(
    r.run.results.map((c) => c.client),
    ['kafkajs', 'perf-test', 'platformatic'],
  );
  for (const c of r.run.results) {
    assert.is(c.status, 'complete', `${c.client}: ${c.partialReason}`);
    assert.is(c.counts.acked, 22_000, c.client);
    assert.is(c.counts.measured, 20_000, c.client);
    assert.ok(c.msgPerSec > 0 && c.mbPerSec > 0, c.client);
    assertMonotonic(c);
  }
  const text = lines.join('\n');
  assert.match(text, /side by side/);
  assert.match(text, /msg\/s vs kafka-producer-perf-test/);
  assert.match(text, /kafka-producer-perf-test\s+[\d,]+\s+[\d.]+.*1\.00×/);
  const json = JSON.parse(await fsp.readFile(r.files!.json, 'utf8')) as BenchRun;
  assert.is(json.results.length, 3);
  assert.is(json.status, 'complete');
  assert.ok((await fsp.readFile(r.files!.svg, 'utf8')).startsWith('<svg'));
  assert.is(r.files!.hgrm.length, 2, 'one .hgrm per JS client (perf-test prints no distribution)');
  for (const f of r.files!.hgrm) assert.match(fs.readFileSync(f, 'utf8'), /Percentile/);
});

test('bad parameters against a real broker: unknown topic (no auto-create) is exit 2, unreachable broker exit 1', async () => {
  const errors: string[] = [];
  const [origErr, origLog] = [console.error, console.log];
  console.error = (l: string) => errors.push(l);
  console.log = () => undefined;
  try {
    const code = await main([
      '--bootstrap',
      broker!.bootstrap,
      '--clients',
      'kafkajs',
      '--messages',
      '10',
      '--topic',
      'no-such-topic-bench',
    ]);
    assert.is(code, 2);
    assert.match(errors.join('\n'), /topic 'no-such-topic-bench' does not exist .* does not auto-create/);
    const dead = await freePort();
    assert.is(
      await main([
        '--bootstrap',
        `127.0.0.1:${dead}`,
        '--clients',
        'kafkajs',
        '--messages',
        '10',
        '--stall-timeout',
        '3',
      ]),
      1,
    );
    assert.match(errors[errors.length - 1]!, /unreachable/);
  } finally {
    console.error = origErr;
    console.log = origLog;
  }
});

test('Ctrl-C mid-run: stops, prints what was measured marked partial, exit 130', async () => {
  const ac = new AbortController();
  const { lines, done } = run(
    { mode: 'latency', clients: 'kafkajs', rate: '2000', duration: '60', warmup: '200' },
    { signal: ac.signal, onLine: (l) => /measuring: sent/.test(l) && ac.abort() },
  );
  const r = await done;
  assert.is(r.exitCode, 130);
  const c = r.run.results[0]!;
  assert.is(c.status, 'partial');
  assert.is(c.partialReason, 'interrupted (Ctrl-C)');
  assert.ok(c.counts.acked > 200 && c.counts.acked < 120_200, `acked ${c.counts.acked}`);
  assert.is(
    c.counts.sent,
    c.counts.acked + c.counts.failed,
    'in-flight sends were given their grace to finish',
  );
  assert.is(r.run.status, 'partial');
  assert.match(lines.join('\n'), /PARTIAL: interrupted/);
});

test('kafkaBenchChecks: REQ-0.2 checks with measured values, thresholds, evidence and the SVG path', async () => {
  const ctx: PlatformContext = {
    signal: new AbortController().signal,
    log: () => undefined,
    logFile: '/dev/null',
    paths: broker!.paths,
    env: {},
    target: {
      name: 'native',
      describe: 'test broker',
      endpoints: () => ({ ...nativeEndpoints({}), kafka: { url: broker!.bootstrap } }),
      components: {},
      tools: [],
    },
  };
  const r = await kafkaBenchChecks(ctx, {
    task: '0-3',
    messages: 20_000,
    rate: 1000,
    durationS: 1,
    outDir: out,
  });
  const [tp, lat] = r.checks;
  assert.is(tp!.id, '0-3.kafka-throughput');
  assert.is(tp!.requirement, 'REQ-0.2');
  assert.is(tp!.threshold, '> 10000');
  assert.is(tp!.unit, 'msg/s');
  assert.type(tp!.measured, 'number');
  assert.ok((tp!.measured as number) > 0);
  assert.is(
    tp!.status,
    (tp!.measured as number) > 10_000 ? 'pass' : 'fail',
    'status follows the measured value',
  );
  assert.match(tp!.evidence ?? '', /20000 messages acked after 2000 warm-up/);
  assert.is(lat!.id, '0-3.kafka-latency-p95');
  assert.is(lat!.threshold, '< 50');
  assert.is(lat!.unit, 'ms');
  assert.type(lat!.measured, 'number');
  assert.is(
    lat!.status,
    (lat!.measured as number) < 50 ? 'pass' : 'fail',
    'status follows the measured value',
  );
  assert.match(lat!.evidence ?? '', /sent (\d+) = acked \1 = consumed \1/);
  assert.ok(r.svg && (await fsp.readFile(r.svg, 'utf8')).startsWith('<svg'));
  assert.is(r.files.length, 4);
});

// Run last: it kills the broker (restarting it between clients).
for (const client of ['kafkajs', 'platformatic', 'perf-test'] as const) {
  test(`broker killed mid-run (${client}): error within the bound, exit 1, partial results`, async () => {
    // perf-test's silence window is the stall timeout + 5 s between its 5 s window lines; on a
    // loaded 2-core machine (a clean clone's .ci/run) 10 s passed without a line before the
    // measuring phase, so it gets 15 s: the bound still proves the run ends soon after the kill.
    const stallS = client === 'perf-test' ? 15 : 5;
    const boundMs = stallS * 1000 + 15_000; // stall timeout + client close timeouts + slack on a loaded machine
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    const raw: Record<string, string> =
      client === 'perf-test'
        ? { clients: client, messages: '50000000', warmup: '0', 'stall-timeout': String(stallS) }
        : {
            mode: 'latency',
            clients: client,
            rate: '2000',
            duration: '120',
            warmup: '200',
            'stall-timeout': String(stallS),
          };
    const { lines, done } = run(raw, {
      onLine: (l) => {
        if (!killing && /measuring: sent/.test(l)) {
          killedAt = Date.now();
          killing = broker!.kill();
        }
      },
    });
    let r: BenchOutcome;
    try {
      r = await done;
    } finally {
      await killing;
    }
    const tookMs = Date.now() - killedAt;
    try {
      assert.ok(killedAt > 0, `the run reached the measuring phase: ${lines.slice(-6).join(' | ')}`);
      assert.is(r.exitCode, 1, lines.slice(-4).join('\n'));
      const c = r.run.results[0]!;
      assert.is(c.status, 'partial');
      assert.ok(c.error && c.error.length > 0, 'error recorded');
      assert.ok(c.counts.acked > 0, 'what was measured before the kill is kept');
      assert.ok(tookMs < boundMs, `run ended ${tookMs} ms after the kill (bound ${boundMs} ms)`);
      assert.match(lines.join('\n'), /bench FAILED: results above are partial/);
    } finally {
      await broker!.restart();
    }
  });
}

test.run();
