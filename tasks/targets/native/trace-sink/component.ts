// The native target's 'traces' component (the development trace sink as a supervised process) and
// its 'logs' component (JSON-lines log files under .platform/logs; Loki is not provided natively).
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformContext } from '../../../context.ts';
import type { Component, ProcessRow } from '../../target.ts';
import { dirSize, readPid, rssOfTree, start, stop, type ProcessSpec } from '../supervisor.ts';
import { tracesDir } from './paths.ts';

/** The OTLP probe (gRPC client) loads only when there is a running sink to ask. */
const traceSinkReady = async (port: number) => (await import('./probe.ts')).traceSinkReady(port);

export const TRACE_SINK = 'trace-sink';
const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

/** Relative to the repository when inside it (the usual .platform/), else absolute (PLATFORM_DIR elsewhere). */
const shown = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
};

const portOf = (ctx: PlatformContext) =>
  Number(ctx.env.OTLP_GRPC_PORT ?? '4317');

export function traceSinkSpec(ctx: PlatformContext): ProcessSpec {
  const port = portOf(ctx);
  return {
    name: TRACE_SINK,
    command: process.execPath,
    // tsx resolved to a file URL here, so the child does not depend on its cwd to find it.
    args: ['--import', import.meta.resolve('tsx'), MAIN],
    cwd: ctx.paths.root,
    env: {
      OTLP_GRPC_PORT: String(port),
      PLATFORM_DIR: ctx.paths.platform,
      ...(ctx.env.TRACE_RETENTION_DAYS ? { TRACE_RETENTION_DAYS: ctx.env.TRACE_RETENTION_DAYS } : {}),
    },
    port,
    portHint: 'set OTLP_GRPC_PORT',
    ready: () => traceSinkReady(port),
    readyTimeoutMs: 30_000,
    stopGraceMs: 5_000,
  };
}

export function traceSinkComponent(): Component<PlatformContext> {
  return {
    status: async (ctx) =>
      (await readPid(ctx.paths, TRACE_SINK)) !== undefined && traceSinkReady(portOf(ctx)),
    up: async (ctx) => {
      const r = await start(traceSinkSpec(ctx), ctx.paths, ctx.signal);
      ctx.log(
        r.already
          ? `trace-sink already running (pid ${r.pid})`
          : `trace-sink (development sink, not Tempo) ready on 127.0.0.1:${portOf(ctx)} in ${r.readyMs} ms (pid ${r.pid})`,
      );
    },
    down: async (ctx) => {
      await stop(TRACE_SINK, ctx.paths, { port: portOf(ctx) });
    },
    rows: async (ctx): Promise<ProcessRow[]> => {
      const rec = await readPid(ctx.paths, TRACE_SINK);
      const port = portOf(ctx);
      const dataBytes = await dirSize(tracesDir(ctx.paths));
      if (!rec)
        return [
          {
            name: TRACE_SINK,
            state: 'stopped',
            port,
            dataBytes,
            detail: 'development trace sink (not Tempo)',
          },
        ];
      const healthy = await traceSinkReady(port);
      return [
        {
          name: TRACE_SINK,
          state: healthy ? 'running' : 'unhealthy',
          pid: rec.pid,
          port,
          uptimeMs: Date.now() - Date.parse(rec.startedAt),
          rssBytes: await rssOfTree(rec.pid),
          dataBytes,
          detail: `development trace sink (not Tempo); spans in ${shown(ctx.paths.root, tracesDir(ctx.paths))}`,
        },
      ];
    },
  };
}

/** Natively, "logs" is the directory every supervised process writes JSON lines into. */
export function nativeLogsComponent(): Component<PlatformContext> {
  const writable = async (dir: string) =>
    fsp.access(dir, fsp.constants.W_OK).then(
      () => true,
      () => false,
    );
  return {
    status: (ctx) => writable(ctx.paths.logs),
    up: async (ctx) => {
      await fsp.mkdir(ctx.paths.logs, { recursive: true });
      ctx.log(`logs: JSON lines under ${ctx.paths.logs} (Loki is not provided by the native target)`);
    },
    rows: async (ctx) => [
      {
        name: 'logs',
        state: (await writable(ctx.paths.logs)) ? 'running' : 'stopped',
        dataBytes: await dirSize(ctx.paths.logs),
        detail: `JSON-lines files under ${shown(ctx.paths.root, ctx.paths.logs)}; no Loki natively`,
      },
    ],
  };
}
