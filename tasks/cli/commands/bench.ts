// `bench kafka`: the Kafka benchmark (bench/kafka.ts, REQ-0.2) on the active target's broker.
// Flags are the bench's own; without --bootstrap the target's Kafka endpoint is used.
import { defineCommand } from '../command.ts';
import { str, targetOption } from '../options.ts';
import { openSession } from '../session.ts';
import { UsageError } from '../../engine/task.ts';
import { isAvailable } from '../../targets/target.ts';
import { BENCH_OPTIONS, parseBenchOptions } from '../../../bench/kafka/args.ts';

export const bench = defineCommand({
  name: 'bench',
  summary:
    'benchmarks: `bench kafka` measures throughput and latency (kafkajs vs perf-test vs @platformatic/kafka, REQ-0.2)',
  usage: 'bench kafka [--mode throughput|latency] [--messages N] [--size S] [--rate R] … [--target T]',
  positionals: true,
  options: { ...BENCH_OPTIONS, ...targetOption },
  async run(args, io) {
    const [what, ...extra] = args.positionals;
    if (what !== 'kafka' || extra.length > 0) {
      throw new UsageError(
        `bench: expected 'bench kafka', got '${args.positionals.join(' ') || '(nothing)'}'; the only benchmark here is kafka`,
      );
    }
    // Validate every flag before anything connects: a bad value is exit 2 with one line.
    const o = parseBenchOptions(args.values);
    if (str(args, 'bootstrap') === undefined) {
      const s = await openSession(io);
      const kafka = s.target.endpoints().kafka;
      if (!isAvailable(kafka))
        throw new UsageError(
          `bench kafka: no Kafka endpoint on the ${s.target.name} target: ${kafka.unavailable}`,
        );
      o.bootstrap = kafka.url;
    }
    // The clients (kafkajs, @platformatic/kafka) load only when a benchmark runs.
    const { runBench } = await import('../../../bench/kafka/bench.ts');
    const outcome = await runBench(o, {
      out: io.out,
      err: io.json ? () => undefined : io.err,
      event: io.event,
      signal: io.signal,
    });
    if (io.json && outcome.files) io.event({ type: 'files', ...outcome.files });
    return outcome.exitCode;
  },
});
