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
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import type { ComponentId } from '../../tasks/targets/target.ts';
import { freePortEnv } from './free-ports.ts';

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
  // Every port setting (a list of its own here missed ALERTMANAGER_PORT once: 9093 taken).
  const env: Record<string, string> = {
    ...(await freePortEnv()),
    PLATFORM_DIR: dir,
    PLATFORM_CACHE: resolvePaths().cache,
    KAFKA_HEAP_MB: '384',
  };
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
