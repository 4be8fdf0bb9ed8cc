// Kafka benchmark (REQ-0.2): closed-loop throughput and open-loop latency, kafkajs vs
// kafka-producer-perf-test vs @platformatic/kafka on the same broker. Also reachable as
// `tasks.ts bench kafka` and `make test-performance`. See docs/developer-guide/kafka-benchmark.md.
//   npx tsx bench/kafka.ts --mode throughput --messages 1000000 --size 100
//   npx tsx bench/kafka.ts --mode latency --rate 10000 --duration 10
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../tasks/engine/task.ts';
import { BENCH_OPTIONS, parseBenchOptions } from './kafka/args.ts';
import { runBench } from './kafka/bench.ts';

export { runBench } from './kafka/bench.ts';
export { parseBenchOptions, BENCH_OPTIONS } from './kafka/args.ts';

function usage(): string {
  const lines = ['usage: npx tsx bench/kafka.ts [flags]', ''];
  for (const [name, spec] of Object.entries(BENCH_OPTIONS)) {
    const dflt =
      'default' in spec && spec.default !== undefined && spec.default !== false
        ? ` (default ${spec.default})`
        : '';
    lines.push(`  --${name.padEnd(14)} ${spec.description}${dflt}`);
  }
  return lines.join('\n');
}

/** Parses argv, runs, returns the exit code: 0 ok, 1 failed, 2 usage, 130 interrupted. */
export async function main(argv: string[], signal?: AbortSignal): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(usage());
      return 0;
    }
    const specs = Object.fromEntries(
      Object.entries(BENCH_OPTIONS).map(([k, v]) => [k, { type: v.type }]),
    ) as Record<string, { type: 'string' | 'boolean' }>;
    let values: Record<string, string | boolean | undefined>;
    try {
      values = parseArgs({ args: argv, options: specs, strict: true, allowPositionals: false })
        .values as typeof values;
    } catch (e) {
      throw new UsageError(`bench/kafka.ts: ${(e as Error).message.split('\n')[0]} (see --help)`);
    }
    const o = parseBenchOptions(values);
    const outcome = await runBench(o, { out: (l) => console.log(l), err: (l) => console.error(l), signal });
    return outcome.exitCode;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return e instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ac = new AbortController();
  let presses = 0;
  process.on('SIGINT', () => {
    if (++presses > 1) process.exit(130);
    console.error('interrupted: stopping, printing what was measured (Ctrl-C again to force)');
    ac.abort();
  });
  const code = await main(process.argv.slice(2), ac.signal);
  // Client libraries may keep sockets or timers alive after a broker failure: the exit code is final.
  process.exit(code);
}
