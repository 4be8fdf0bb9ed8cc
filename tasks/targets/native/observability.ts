// The native target's logs and traces, on real backends run as supervised processes:
//   victorialogs  VictoriaLogs: the log store (stands in for Loki), LogsQL, 30-day retention
//   otelcol       OpenTelemetry Collector: tails every process's JSON log under .platform/logs
//                 into VictoriaLogs (stands in for Alloy), checkpointed, with a persistent queue
//   jaeger        Jaeger v2: OTLP receiver and trace store (stands in for Tempo), 7-day TTL
// Binaries come from the tools cache (go-backends.ts); configs from manifests/native/<name>/.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Paths, PlatformContext } from '../../context.ts';
import { UsageError } from '../../engine/task.ts';
import type { Component } from '../target.ts';
import type { BackendName, installBackends as InstallBackends } from './go-backends.ts';
import { httpStatus as probeStatus } from './http-probe.ts';
import { observabilityPorts, PORT_KEYS, type ObservabilityPorts } from './observability-ports.ts';
import { logFileOf, processRow, readPid, start, stop, tail, type ProcessSpec } from './supervisor.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The store's retention, read back from the running process by 0-5 verify. */
export const LOG_RETENTION = '30d';

export const VICTORIALOGS = 'victorialogs';
export const COLLECTOR = 'otelcol';
export const JAEGER = 'jaeger';

const hint = (field: keyof ObservabilityPorts) => `set ${PORT_KEYS[field][0]}`;
export { observabilityPorts, type ObservabilityPorts };

export const dataDirOf = (paths: Paths, name: string) => path.join(paths.data, name);
export const jaegerConfig = (paths: Paths) =>
  path.join(paths.root, 'manifests', 'native', 'jaeger', 'config.yaml');
export const collectorConfig = (paths: Paths) =>
  path.join(paths.root, 'manifests', 'native', 'otelcol', 'config.yaml');

// node:http (http-probe.ts), not fetch: these run on every `status` and `up`, and the first
// fetch in a process initialises undici. No answer within 2 s reads as not ready.
const httpStatus = (url: string, signal?: AbortSignal) => probeStatus(url, { timeoutMs: 2_000, signal });

/** A LogsQL query answers: the store serves reads, not only its health page. */
export async function victoriaLogsReady(port: number, signal?: AbortSignal): Promise<boolean> {
  const q = new URLSearchParams({ query: '_time:1m | limit 1' });
  return (await httpStatus(`http://127.0.0.1:${port}/select/logsql/query?${q}`, signal)) === 200;
}

/** The query API reads the store (what `status` asks: no gRPC client loaded for a table). */
export async function jaegerQueryReady(ports: ObservabilityPorts, signal?: AbortSignal): Promise<boolean> {
  return (await httpStatus(`http://127.0.0.1:${ports.jaegerQuery}/api/services`, signal)) === 200;
}

/** An OTLP Export with zero spans is accepted, and the query API reads the store. */
export async function jaegerReady(ports: ObservabilityPorts, signal?: AbortSignal): Promise<boolean> {
  const { otlpGrpcReady } = await import('./otlp-probe.ts');
  if (!(await otlpGrpcReady(ports.otlpGrpc))) return false;
  return jaegerQueryReady(ports, signal);
}

/** The health_check extension reports the pipelines running. */
export async function collectorReady(port: number, signal?: AbortSignal): Promise<boolean> {
  return (await httpStatus(`http://127.0.0.1:${port}/`, signal)) === 200;
}

export function victoriaLogsSpec(paths: Paths, ports: ObservabilityPorts, binary: string): ProcessSpec {
  return {
    name: VICTORIALOGS,
    command: binary,
    args: [
      `-storageDataPath=${dataDirOf(paths, VICTORIALOGS)}`,
      `-httpListenAddr=127.0.0.1:${ports.victoriaLogs}`,
      `-retentionPeriod=${LOG_RETENTION}`,
      '-loggerFormat=json',
    ],
    port: ports.victoriaLogs,
    portHint: hint('victoriaLogs'),
    ready: (signal) => victoriaLogsReady(ports.victoriaLogs, signal),
    readyTimeoutMs: 30_000,
  };
}

export function collectorSpec(paths: Paths, ports: ObservabilityPorts, binary: string): ProcessSpec {
  return {
    name: COLLECTOR,
    command: binary,
    args: [`--config=${collectorConfig(paths)}`],
    env: {
      PLATFORM_LOGS_DIR: paths.logs,
      COLLECTOR_DATA_DIR: dataDirOf(paths, COLLECTOR),
      VICTORIALOGS_PORT: String(ports.victoriaLogs),
      COLLECTOR_OTLP_PORT: String(ports.collectorOtlp),
      COLLECTOR_HEALTH_PORT: String(ports.collectorHealth),
      COLLECTOR_METRICS_PORT: String(ports.collectorMetrics),
    },
    port: ports.collectorHealth,
    portHint: hint('collectorHealth'),
    extraPorts: [
      { port: ports.collectorOtlp, hint: hint('collectorOtlp') },
      { port: ports.collectorMetrics, hint: hint('collectorMetrics') },
    ],
    ready: (signal) => collectorReady(ports.collectorHealth, signal),
    readyTimeoutMs: 30_000,
  };
}

/**
 * A soft limit for Jaeger's Go heap. Without it the heap grows to twice its peak under load and
 * stays there while idle (Go collects only when allocating): after one 20 s run of
 * bench/http-load.ts (83,492 requests, 3 spans each) Jaeger held 1,617 MB RSS, heap 1.31 GB, still
 * 45 s later. With it: 748 MB right after, 386 MB 45 s later (270 MB of that Badger's mapped
 * files), and the same CPU per request (0.144 s per 1,000). A soft limit: a larger live heap
 * (Badger's memtables under load) still gets its memory, the GC just runs sooner.
 */
const JAEGER_GOMEMLIMIT = '256MiB';

export function jaegerSpec(paths: Paths, ports: ObservabilityPorts, binary: string): ProcessSpec {
  return {
    name: JAEGER,
    command: binary,
    args: [`--config=${jaegerConfig(paths)}`],
    env: {
      OTLP_GRPC_PORT: String(ports.otlpGrpc),
      OTLP_HTTP_PORT: String(ports.otlpHttp),
      JAEGER_QUERY_PORT: String(ports.jaegerQuery),
      JAEGER_GRPC_PORT: String(ports.jaegerGrpc),
      JAEGER_METRICS_PORT: String(ports.jaegerMetrics),
      JAEGER_DATA_DIR: dataDirOf(paths, JAEGER),
      GOMEMLIMIT: JAEGER_GOMEMLIMIT,
    },
    port: ports.otlpGrpc,
    portHint: hint('otlpGrpc'),
    extraPorts: [
      { port: ports.otlpHttp, hint: hint('otlpHttp') },
      { port: ports.jaegerQuery, hint: hint('jaegerQuery') },
      { port: ports.jaegerGrpc, hint: hint('jaegerGrpc') },
      { port: ports.jaegerMetrics, hint: hint('jaegerMetrics') },
    ],
    ready: (signal) => jaegerReady(ports, signal),
    readyTimeoutMs: 60_000,
  };
}

/** The most telling line of a failed start's log: the last error-looking line, JSON or not. */
export function failureLine(logTail: string): string | undefined {
  const lines = logTail.split('\n').filter((l) => l.trim());
  const telling = /error|fatal|panic|cannot|failed|invalid|not defined|corrupt|unknown/i;
  for (const l of lines.reverse()) {
    if (!telling.test(l)) continue;
    try {
      const o = JSON.parse(l) as Record<string, unknown>;
      const parts = [o.msg ?? o.message, o.error].filter((v) => typeof v === 'string' && v);
      if (parts.length) return parts.join(': ').slice(0, 300);
    } catch {
      /* a plain line */
    }
    return l.trim().slice(0, 300);
  }
  return undefined;
}

const shown = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
};

/**
 * Starts one backend; a failure becomes one line naming it, the reason from its log, and what to
 * do (the supervisor has already stopped its process group; the rest of the stack is untouched).
 */
export async function startBackend(
  spec: ProcessSpec,
  paths: Paths,
  signal: AbortSignal,
): Promise<{ pid: number; readyMs: number; already: boolean }> {
  try {
    return await start(spec, paths, signal);
  } catch (e) {
    if (e instanceof UsageError || signal.aborted) throw e;
    const log = logFileOf(paths, spec.name);
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/; log: .*$/, '');
    const why = failureLine(await tail(log, 40));
    const data = dataDirOf(paths, spec.name);
    throw new Error(
      `${spec.name} did not start (${first})${why ? `: ${why}` : ''}; see ${shown(paths.root, log)}` +
        ` (a wrong flag or config names itself there; a damaged data directory: move ${shown(paths.root, data)} aside or run \`npx tsx tasks.ts clean\`)`,
      { cause: e },
    );
  }
}

const row = (
  ctx: PlatformContext,
  name: string,
  port: number,
  ready: () => Promise<boolean>,
  detail: string,
) => processRow(ctx.paths, name, { port, ready, detail, dataDir: dataDirOf(ctx.paths, name) });

const logLine = (
  ctx: PlatformContext,
  name: string,
  r: { pid: number; readyMs: number; already: boolean },
  what: string,
) =>
  ctx.log(
    r.already
      ? `${name}: already running (pid ${r.pid})`
      : `${name}: ${what} ready in ${r.readyMs} ms (pid ${r.pid})`,
  );

// The backend builder (go, the versions file's schema) loads when a backend is needed, not for
// `status` rows.
const requireBackend = async (name: BackendName, paths: Paths) =>
  (await import('./go-backends.ts')).requireBackend(name, paths);
const installBackends = async (...args: Parameters<typeof InstallBackends>) =>
  (await import('./go-backends.ts')).installBackends(...args);

const install = (only: readonly BackendName[]) => async (ctx: PlatformContext) => {
  const done = await installBackends(ctx.paths, {
    signal: ctx.signal,
    log: ctx.log,
    ...(ctx.note ? { note: ctx.note } : {}),
    only,
  });
  const entries = Object.entries(done);
  return {
    changed: entries.some(([, how]) => how === 'built'),
    detail: entries.map(([name, how]) => `${name} ${how}`).join(', '),
  };
};

/** 0-5 natively: VictoriaLogs, then the collector that feeds it. */
export function nativeLogsComponent(envOf: (ctx: PlatformContext) => Env): Component<PlatformContext> {
  const specs = async (ctx: PlatformContext) => {
    const ports = observabilityPorts(envOf(ctx));
    const vl = await requireBackend('victoria-logs', ctx.paths);
    const col = await requireBackend('otelcol', ctx.paths);
    return {
      ports,
      store: victoriaLogsSpec(ctx.paths, ports, vl.binary),
      collector: collectorSpec(ctx.paths, ports, col.binary),
    };
  };
  return {
    install: install(['victoria-logs', 'otelcol']),
    async status(ctx) {
      const s = await specs(ctx).catch(() => undefined);
      if (!s) return false;
      for (const spec of [s.store, s.collector]) {
        if (!(await readPid(ctx.paths, spec.name))) return false;
        if (!(await spec.ready(ctx.signal).catch(() => false))) return false;
      }
      return true;
    },
    async up(ctx) {
      const s = await specs(ctx);
      await fsp.mkdir(ctx.paths.logs, { recursive: true });
      const store = await startBackend(s.store, ctx.paths, ctx.signal);
      logLine(ctx, VICTORIALOGS, store, `VictoriaLogs (LogsQL on http://127.0.0.1:${s.ports.victoriaLogs})`);
      const col = await startBackend(s.collector, ctx.paths, ctx.signal);
      logLine(ctx, COLLECTOR, col, `log collector (tailing ${shown(ctx.paths.root, ctx.paths.logs)}/*.log)`);
    },
    async down(ctx) {
      const ports = observabilityPorts(envOf(ctx));
      await stop(COLLECTOR, ctx.paths, {
        port: ports.collectorHealth,
        extraPorts: [ports.collectorOtlp, ports.collectorMetrics],
      });
      await stop(VICTORIALOGS, ctx.paths, { port: ports.victoriaLogs });
    },
    async plan(ctx) {
      const s = await specs(ctx);
      return [s.store, s.collector].map((p) =>
        [...Object.entries(p.env ?? {}).map(([k, v]) => `${k}=${v}`), p.command, ...p.args].join(' '),
      );
    },
    async rows(ctx) {
      const ports = observabilityPorts(envOf(ctx));
      return [
        await row(
          ctx,
          VICTORIALOGS,
          ports.victoriaLogs,
          () => victoriaLogsReady(ports.victoriaLogs),
          `VictoriaLogs (for Loki): LogsQL /select/logsql/query, UI http://127.0.0.1:${ports.victoriaLogs}/select/vmui/`,
        ),
        await row(
          ctx,
          COLLECTOR,
          ports.collectorHealth,
          () => collectorReady(ports.collectorHealth),
          `OpenTelemetry Collector: ${shown(ctx.paths.root, ctx.paths.logs)}/*.log → VictoriaLogs`,
        ),
      ];
    },
  };
}

/** 0-6 natively: Jaeger receives OTLP and stores and serves traces. */
export function nativeTracesComponent(envOf: (ctx: PlatformContext) => Env): Component<PlatformContext> {
  const spec = async (ctx: PlatformContext) => {
    const ports = observabilityPorts(envOf(ctx));
    const b = await requireBackend('jaeger', ctx.paths);
    return { ports, spec: jaegerSpec(ctx.paths, ports, b.binary) };
  };
  return {
    install: install(['jaeger']),
    async status(ctx) {
      const s = await spec(ctx).catch(() => undefined);
      return (
        !!s && !!(await readPid(ctx.paths, JAEGER)) && (await s.spec.ready(ctx.signal).catch(() => false))
      );
    },
    async up(ctx) {
      const s = await spec(ctx);
      const r = await startBackend(s.spec, ctx.paths, ctx.signal);
      logLine(
        ctx,
        JAEGER,
        r,
        `Jaeger (OTLP gRPC 127.0.0.1:${s.ports.otlpGrpc}, query http://127.0.0.1:${s.ports.jaegerQuery})`,
      );
    },
    async down(ctx) {
      const p = observabilityPorts(envOf(ctx));
      await stop(JAEGER, ctx.paths, {
        port: p.otlpGrpc,
        extraPorts: [p.otlpHttp, p.jaegerQuery, p.jaegerGrpc, p.jaegerMetrics],
      });
    },
    async plan(ctx) {
      const s = await spec(ctx);
      return [
        [
          ...Object.entries(s.spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
          s.spec.command,
          ...s.spec.args,
        ].join(' '),
      ];
    },
    async rows(ctx) {
      const ports = observabilityPorts(envOf(ctx));
      return [
        await row(
          ctx,
          JAEGER,
          ports.otlpGrpc,
          () => jaegerQueryReady(ports),
          `Jaeger v2 (for Tempo): OTLP gRPC ${ports.otlpGrpc}/HTTP ${ports.otlpHttp}, query http://127.0.0.1:${ports.jaegerQuery}/api/traces/<id> (the module build's UI page is a placeholder)`,
        ),
      ];
    },
  };
}
