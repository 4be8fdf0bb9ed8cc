// The native target's 'demo' component (seed task 0-13): examples/demo-service as a supervised
// process on DEMO_PORT (default 8000), wired to the target's Kafka and OTLP endpoints. Node runs
// its TypeScript directly (type stripping, no tsx in the process tree) and resolves its packages
// from the repository's node_modules. Logs: .platform/logs/demo-service.log (JSON lines).
import path from 'node:path';
import type { PlatformContext } from '../../context.ts';
import { UsageError } from '../../engine/task.ts';
import { DEMO_TOPIC, isAvailable, type Component, type ProcessRow } from '../target.ts';
import { httpStatus } from './http-probe.ts';
import { identityOf, logFileOf, processRow, readPid, start, stop, type ProcessSpec } from './supervisor.ts';

export const DEMO_PROCESS = 'demo-service';
export { DEMO_TOPIC };

const portOf = (ctx: PlatformContext) => Number(ctx.env.DEMO_PORT ?? '8000');

export const demoLogFile = (ctx: PlatformContext) => logFileOf(ctx.paths, DEMO_PROCESS);

/** 200 from /ready: the demo answers HTTP, Kafka answers it, its consumer fetches. */
export async function demoReady(port: number, signal?: AbortSignal): Promise<boolean> {
  return (await httpStatus(`http://127.0.0.1:${port}/ready`, { timeoutMs: 3_000, signal })) === 200;
}

export function demoSpec(ctx: PlatformContext): ProcessSpec {
  const port = portOf(ctx);
  const ep = ctx.target.endpoints();
  if (!isAvailable(ep.kafka)) throw new UsageError(`demo-service: needs Kafka, but ${ep.kafka.unavailable}`);
  const otlp = isAvailable(ep.otlpGrpc) ? ep.otlpGrpc.url : '';
  return {
    name: DEMO_PROCESS,
    command: process.execPath,
    // --no-warnings: the service logs Node's warnings itself as JSON (the log file stays JSON lines).
    args: ['--no-warnings', path.join(ctx.paths.root, 'examples', 'demo-service', 'src', 'main.ts')],
    cwd: ctx.paths.root,
    env: {
      SERVICE_NAME: DEMO_PROCESS,
      HOST: '127.0.0.1',
      PORT: String(port),
      KAFKA_BROKERS: ep.kafka.url,
      KAFKA_GROUP_ID: DEMO_PROCESS,
      EVENTS_TOPIC: ctx.env.DEMO_EVENTS_TOPIC ?? DEMO_TOPIC,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      LOG_LEVEL: ctx.env.DEMO_LOG_LEVEL ?? 'info',
      NODE_ENV: 'production',
    },
    port,
    portHint: 'set DEMO_PORT',
    ready: (signal) => demoReady(port, signal),
    // First start creates its topic and joins a new consumer group: seconds, not minutes.
    readyTimeoutMs: 90_000,
    stopGraceMs: 15_000,
  };
}

export function demoComponent(): Component<PlatformContext> {
  return {
    status: async (ctx) => (await readPid(ctx.paths, DEMO_PROCESS)) !== undefined && demoReady(portOf(ctx)),
    up: async (ctx) => {
      const r = await start(demoSpec(ctx), ctx.paths, ctx.signal);
      ctx.log(
        r.already
          ? `demo-service already running (pid ${r.pid})`
          : `demo-service ready on http://127.0.0.1:${portOf(ctx)} in ${r.readyMs} ms (pid ${r.pid}); log ${demoLogFile(ctx)}`,
      );
    },
    identity: (ctx) => identityOf(ctx.paths, DEMO_PROCESS),
    down: async (ctx) => {
      await stop(DEMO_PROCESS, ctx.paths, { port: portOf(ctx), graceMs: 15_000 });
    },
    plan: async (ctx) => {
      const spec = demoSpec(ctx);
      const env = ['PORT', 'KAFKA_BROKERS', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'EVENTS_TOPIC'].map(
        (k) => `${k}=${spec.env?.[k] ?? ''}`,
      );
      return [`${env.join(' ')} ${spec.command} ${spec.args.join(' ')}`];
    },
    rows: async (ctx): Promise<ProcessRow[]> => {
      const port = portOf(ctx);
      return [
        await processRow(ctx.paths, DEMO_PROCESS, {
          port,
          ready: () => demoReady(port),
          detail: `examples/demo-service; log ${path.relative(ctx.paths.root, demoLogFile(ctx))}`,
        }),
      ];
    },
  };
}
