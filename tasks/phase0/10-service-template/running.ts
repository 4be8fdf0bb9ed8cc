// 0-10's generated service run as a real process against the target's Kafka and OTLP endpoints:
// its probes, metrics, JSON logs and spans, then SIGTERM. Started once per verify by the first
// check that asks; the last check stops it (checks.ts stops it too if a check threw first).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { PlatformContext } from '../../context.ts';
import { freePort } from '../../ports.ts';
import { isAvailable } from '../../targets/target.ts';
import { http, poll } from '../../../validation/lib/http.ts';
import { lookupTrace } from '../../../validation/lib/traces.ts';
import { SUBSTITUTES } from '../../../validation/lib/checks.ts';
import { defineCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { generatedOk, isGenerated } from './generated.ts';
import { perVerify } from '../../../validation/lib/per-verify.ts';

const METRICS = [
  'http_request_duration_seconds',
  'http_requests_total',
  'kafka_messages_produced_total',
  'kafka_messages_consumed_total',
  'process_cpu_seconds_total',
];

interface Running {
  name: string;
  child: ChildProcess;
  base: string;
  output: () => string;
  ready: boolean;
  /** A request the checks follow: its trace id (sent as traceparent to GET /v1/info). */
  traceId?: string;
}

async function start(ctx: PlatformContext): Promise<Running | Measurement> {
  const g = await generatedOk(ctx);
  if (!isGenerated(g)) return g;
  const ep = ctx.target.endpoints();
  if (!isAvailable(ep.kafka)) return { skip: ep.kafka.unavailable };
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['--no-warnings', 'src/main.ts'], {
    cwd: g.dir,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      KAFKA_BROKERS: ep.kafka.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: isAvailable(ep.otlpGrpc) ? ep.otlpGrpc.url : '',
      SHUTDOWN_TIMEOUT_MS: '10000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const ready = await poll(
    async () => ((await http(`${base}/ready`, { timeoutMs: 6_000 })).status === 200 ? true : undefined),
    60_000,
    300,
  );
  return { name: g.name, child, base, output: () => out, ready: !!ready };
}

const runningOf = perVerify((ctx: PlatformContext): Promise<Running | Measurement> => start(ctx));
const isRunning = (x: Running | Measurement): x is Running => 'child' in x;

/** SIGTERM, SIGKILL after 15 s; the exit code, or undefined when it had already exited. */
export async function stopService(ctx: PlatformContext): Promise<number | null | undefined> {
  const r = await runningOf.peek(ctx)?.catch(() => undefined);
  if (!r || !isRunning(r) || r.child.exitCode !== null || r.child.signalCode !== null) return undefined;
  const exited = once(r.child, 'exit');
  r.child.kill('SIGTERM');
  const t = setTimeout(() => r.child.kill('SIGKILL'), 15_000);
  const [code] = (await exited) as [number | null];
  clearTimeout(t);
  return code;
}

export const health = defineCheck(
  {
    id: '0-10.health',
    criteria: ['0-10.ac2'],
    title: 'Generated service answers /health and /ready (Kafka checked)',
    proof: 'substitute',
    substitute: SUBSTITUTES.fastapi,
  },
  async (_, ctx) => {
    const r = await runningOf(ctx);
    if (!isRunning(r)) return r;
    const h = await http(`${r.base}/health`).catch(() => ({ status: 0 }));
    return {
      evidence: `node src/main.ts on ${r.base}: /health ${h.status}, /ready ${r.ready ? 200 : 'not 200 within 60 s'}`,
      problems: [
        ...(r.ready ? [] : [`service output: ${r.output().split('\n').slice(-3).join(' ').slice(0, 300)}`]),
        ...(h.status === 200 ? [] : [`/health answered ${h.status}`]),
      ],
    };
  },
);

export const metrics = defineCheck(
  {
    id: '0-10.metrics',
    criteria: ['0-10.ac3'],
    title:
      'Prometheus metrics integrated (/metrics: request histogram/counter, Kafka counters, process metrics)',
    proof: 'live',
  },
  async (_, ctx) => {
    const r = await runningOf(ctx);
    if (!isRunning(r)) return r;
    r.traceId = randomBytes(16).toString('hex');
    await http(`${r.base}/v1/info`, {
      headers: { traceparent: `00-${r.traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    const text = (await http(`${r.base}/metrics`)).text;
    const missing = METRICS.filter((m) => !text.includes(`# TYPE ${m} `));
    return {
      measured: METRICS.length - missing.length,
      unit: 'metric families',
      evidence: METRICS.join(', '),
      problems: missing.length ? [`missing: ${missing.join(', ')}`] : [],
    };
  },
);

/** The request the metrics check sent, or a skip. */
async function followed(ctx: PlatformContext): Promise<(Running & { traceId: string }) | Measurement> {
  const r = await runningOf(ctx);
  if (!isRunning(r)) return r;
  return r.traceId
    ? (r as Running & { traceId: string })
    : { skip: 'no request was sent (see 0-10.metrics)' };
}

export const logging = defineCheck(
  {
    id: '0-10.logging',
    criteria: ['0-10.ac4'],
    title: 'Structured JSON logging (service, level, timestamp, trace_id)',
    proof: 'live',
  },
  async (_, ctx) => {
    const r = await followed(ctx);
    if (!isRunning(r)) return r;
    const line = await poll(
      async () => {
        for (const l of r.output().split('\n')) {
          if (!l.includes(r.traceId!)) continue;
          const j = JSON.parse(l) as Record<string, unknown>;
          if (j.service === r.name && j.level && j.timestamp && j.trace_id === r.traceId) return j;
        }
        return undefined;
      },
      5_000,
      200,
    );
    return {
      evidence: line ? JSON.stringify(line).slice(0, 240) : `no JSON line with trace_id ${r.traceId}`,
      problems: line ? [] : ['the request log line is missing or lacks service/level/timestamp/trace_id'],
    };
  },
);

export const tracing = defineCheck(
  {
    id: '0-10.tracing',
    criteria: ['0-10.ac5'],
    title: 'OpenTelemetry tracing: the request span reaches the trace store with the service name',
    proof: 'live',
    needs: 'traceQuery',
  },
  async (tq, ctx) => {
    const r = await followed(ctx);
    if (!isRunning(r)) return r;
    const spans = await poll(
      async () => {
        const s = await lookupTrace(tq.url, r.traceId!);
        return s.some((x) => x.service === r.name && x.name === 'GET /v1/info') ? s : undefined;
      },
      20_000,
      500,
    );
    return {
      evidence: `trace ${r.traceId}: ${spans ? spans.map((s) => `${s.service}/${s.name}`).join(', ') : 'not found'}`,
      problems: spans
        ? []
        : ['no SERVER span "GET /v1/info" from the generated service in the trace store within 20 s'],
    };
  },
);

export const gracefulShutdown = defineCheck(
  { id: '0-10.graceful-shutdown', title: 'SIGTERM: the service drains and exits 0', proof: 'live' },
  async (_, ctx) => {
    const r = await runningOf(ctx);
    if (!isRunning(r)) return r;
    const code = await stopService(ctx);
    if (code === undefined)
      throw new Error(
        `the service had already exited: ${r.output().split('\n').slice(-2).join(' ').slice(0, 200)}`,
      );
    return {
      measured: code ?? 'signal',
      evidence:
        r
          .output()
          .split('\n')
          .filter((l) => l.includes('shutdown complete'))
          .pop()
          ?.slice(0, 200) ?? 'no "shutdown complete" line',
      problems: code === 0 ? [] : [`exit ${code ?? 'by signal'}`],
    };
  },
);
