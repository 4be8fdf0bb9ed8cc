// The native target's platform console (issue 21): tasks/console/server.ts as a supervised
// process on GRAFANA_PORT, the port where the dashboards are on every target (Grafana's on k3d
// and compose, the console here in Grafana's place). It comes up with the metrics component
// (seed task 0-4, whose Grafana it stands in for): `withConsole` runs it after Prometheus, stops
// it first, and adds its row to `status`. Its configuration is the target's endpoints, passed in
// the environment: the console never reads a target's internals.
import path from 'node:path';
import type { PlatformContext } from '../../context.ts';
import { UsageError } from '../../engine/task.ts';
import { backendsOf, consoleEnv } from '../../console/config.ts';
import type { Component, ProcessRow } from '../target.ts';
import { httpStatus } from './http-probe.ts';
import fsp from 'node:fs/promises';
import { logFileOf, processRow, readPid, start, stop, type ProcessSpec } from './supervisor.ts';

export const CONSOLE_PROCESS = 'console';

export function consolePort(env: Readonly<Record<string, string | undefined>>): number {
  const v = env.GRAFANA_PORT;
  const n = v === undefined || v === '' ? 3000 : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new UsageError('GRAFANA_PORT must be a TCP port 1-65535; fix it in .env');
  return n;
}

export async function consoleReady(port: number, signal?: AbortSignal): Promise<boolean> {
  return (await httpStatus(`http://127.0.0.1:${port}/api/health`, { timeoutMs: 2_000, signal })) === 200;
}

/** Where `up` bundles the console (server.mjs and assets/, tasks/console/bundle.ts). */
export const consoleDir = (ctx: PlatformContext) => path.join(ctx.paths.platform, 'console');

export function consoleSpec(ctx: PlatformContext): ProcessSpec {
  const port = consolePort(ctx.env);
  return {
    name: CONSOLE_PROCESS,
    command: process.execPath,
    args: [path.join(consoleDir(ctx), 'server.mjs')],
    cwd: ctx.paths.root,
    env: consoleEnv({
      port,
      target: 'native',
      root: ctx.paths.root,
      platformDir: ctx.paths.platform,
      assetsDir: path.join(consoleDir(ctx), 'assets'),
      ...backendsOf(ctx.target.endpoints()),
    }),
    port,
    portHint: 'set GRAFANA_PORT in .env',
    ready: (signal) => consoleReady(port, signal),
    readyTimeoutMs: 15_000,
    stopGraceMs: 3_000,
  };
}

/**
 * The console process's own RSS, not its tree's: its only children are the `tasks.ts status`
 * runs the Overview asks for, one of which may be the very run computing this row.
 */
async function rssOf(pid: number): Promise<number | undefined> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await fsp.readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''));
  return m?.[1] ? Number(m[1]) * 1024 : undefined;
}

export function consoleComponent(): Component<PlatformContext> {
  return {
    status: async (ctx) =>
      (await readPid(ctx.paths, CONSOLE_PROCESS)) !== undefined && consoleReady(consolePort(ctx.env)),
    up: async (ctx) => {
      const spec = consoleSpec(ctx);
      // Bundled at every start (esbuild: well under a second), so the page is the checkout's code.
      const { bundleConsole } = await import('../../console/bundle.ts');
      const b = await bundleConsole(consoleDir(ctx));
      const r = await start(spec, ctx.paths, ctx.signal);
      ctx.log(
        r.already
          ? `console: already running (pid ${r.pid})`
          : `console: bundled in ${b.ms} ms (${Math.round(b.bytes / 1024)} KiB); ready on http://127.0.0.1:${spec.port} in ${r.readyMs} ms (pid ${r.pid})`,
      );
    },
    down: async (ctx) => {
      await stop(CONSOLE_PROCESS, ctx.paths, { port: consolePort(ctx.env), graceMs: 3_000 });
    },
    plan: async (ctx) => {
      const spec = consoleSpec(ctx);
      return [`bundle tasks/console -> ${consoleDir(ctx)}`, `${spec.command} ${spec.args.join(' ')}`];
    },
    rows: async (ctx): Promise<ProcessRow[]> => {
      const port = consolePort(ctx.env);
      const log = path.relative(ctx.paths.root, logFileOf(ctx.paths, CONSOLE_PROCESS));
      return [
        await processRow(ctx.paths, CONSOLE_PROCESS, {
          port,
          ready: () => consoleReady(port),
          rss: rssOf,
          detail: `platform console (for Grafana): http://127.0.0.1:${port}; log ${log}`,
        }),
      ];
    },
  };
}

/** `main` (Prometheus and its exporters) with the console after it: one component for seed task 0-4. */
export function withConsole(
  main: Component<PlatformContext>,
  consoleC: Component<PlatformContext> = consoleComponent(),
): Component<PlatformContext> {
  return {
    ...main,
    status: async (ctx) => (await main.status(ctx)) && (await consoleC.status(ctx)),
    up: async (ctx) => {
      await main.up(ctx);
      if (!(await consoleC.status(ctx))) await consoleC.up(ctx);
    },
    down: async (ctx) => {
      await consoleC.down!(ctx);
      await main.down?.(ctx);
    },
    plan: async (ctx) => [...((await main.plan?.(ctx)) ?? []), ...(await consoleC.plan!(ctx))],
    rows: async (ctx) => [...((await main.rows?.(ctx)) ?? []), ...(await consoleC.rows!(ctx))],
    // Nothing needs the console (it only reads the others), so it restarts alone.
    restartsAlone: [CONSOLE_PROCESS],
    restartProcess: async (ctx, name, { dryRun }) => {
      if (name !== CONSOLE_PROCESS)
        throw new Error(`only ${CONSOLE_PROCESS} restarts alone here, not ${name}`);
      const lines = [
        `stop ${CONSOLE_PROCESS} as down does, then start it as up does (${(await consoleC.plan!(ctx)).join('; ')})`,
      ];
      if (dryRun) return lines;
      await consoleC.down!(ctx);
      await consoleC.up(ctx);
      return lines;
    },
  };
}
