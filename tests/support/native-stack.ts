// The native stack as `up` starts it (Kafka on the JVM, VictoriaLogs + the log collector, Jaeger,
// Prometheus with its exporters and the console, the demo service), each a supervised process
// in a temp PLATFORM_DIR on ports picked free: never the defaults nor another checkout's, so a
// test runs the same whether or not some other stack is up on this machine. `stop()` takes every
// process down and puts process.env back.
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PlatformContext } from '../../tasks/context.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import { freePort } from '../../tasks/ports.ts';
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import { PORT_KEYS as OBS_PORT_KEYS } from '../../tasks/targets/native/observability-ports.ts';
import type { ComponentId } from '../../tasks/targets/target.ts';

export const STACK_PORT_KEYS = [
  'KAFKA_PORT',
  'KAFKA_CONTROLLER_PORT',
  'KAFKA_METRICS_PORT',
  'PROMETHEUS_PORT',
  'LAG_EXPORTER_PORT',
  'NODE_EXPORTER_PORT',
  'DEMO_PORT',
  // The console (in Grafana's place natively).
  'GRAFANA_PORT',
  ...Object.values(OBS_PORT_KEYS).map(([key]) => key),
] as const;

/** `up`'s order for the native components (each waits for what it needs). */
export const STACK_ORDER: ComponentId[] = ['event-bus', 'logs', 'traces', 'metrics', 'demo'];

export interface NativeStack {
  ctx: PlatformContext;
  env: Record<string, string>;
  /** What the components logged while starting (for a failure's message). */
  lines: string[];
  stop(): Promise<void>;
}

export async function startNativeStack(order: ComponentId[] = STACK_ORDER): Promise<NativeStack> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'native-stack-'));
  const ports = new Set<number>();
  while (ports.size < STACK_PORT_KEYS.length) ports.add(await freePort());
  const env: Record<string, string> = {
    PLATFORM_DIR: dir,
    PLATFORM_CACHE: resolvePaths().cache,
    KAFKA_HEAP_MB: '384',
  };
  [...ports].forEach((p, i) => (env[STACK_PORT_KEYS[i]!] = String(p)));
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  const lines: string[] = [];
  const ctx: PlatformContext = {
    signal: new AbortController().signal,
    log: (l) => lines.push(l),
    logFile: path.join(resolvePaths().logs, 'native-stack-test.log'),
    target: nativeTarget(env),
    paths: resolvePaths(),
    env,
  };
  const started: ComponentId[] = [];
  const stop = async () => {
    for (const id of [...started].reverse())
      await ctx.target.components[id]
        ?.down?.(ctx)
        .catch((e: unknown) => console.error(`down ${id}: ${String(e)}`));
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await fsp.rm(dir, { recursive: true, force: true });
  };
  try {
    for (const id of order) {
      const c = ctx.target.components[id];
      if (!c) throw new Error(`the native target provides no ${id}`);
      await c.install?.(ctx);
      started.push(id);
      await c.up(ctx);
    }
  } catch (e) {
    await stop();
    throw new Error(`native stack: ${(e as Error).message}\n${lines.slice(-8).join('\n')}`, { cause: e });
  }
  return { ctx, env, lines, stop };
}
