// Seed task 0-13: the end-to-end checks, run against the demo service on any target (they only
// use endpoints). One request is followed through the whole platform:
//   POST /events (with a traceparent we chose) → 201 with the offset → the event on the SSE stream
//   → the request counted in Prometheus (as scraped) → one trace HTTP → produce → consume in the
//   trace store → log lines carrying that trace_id.
// Then the Phase-0 requirements as measured figures: memory of the whole stack, start time, CI
// duration, k3d-only cluster start, and the Kafka bench (REQ-0.2).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import type { PlatformContext } from '../../context.ts';
import { check, type Check } from '../../engine/task.ts';
import { loadState, stateFile } from '../../engine/state.ts';
import { DEMO_SERVICE, isAvailable, type Endpoint } from '../../targets/target.ts';
import { queryRange } from '../../../validation/lib/logs.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { http, poll } from '../../../validation/lib/http.ts';
import { openEventStream } from './sse.ts';
import { lookupTrace, type FoundSpan } from '../../../validation/lib/traces.ts';
import { proofVia, standInOf } from '../../../validation/lib/checks.ts';

const T = '0-13';
export const MEMORY_LIMIT_BYTES = 4 * 1024 ** 3;
export const CLUSTER_START_LIMIT_S = 120;
/** Prometheus scrapes every 15 s: the request must show up within a few scrapes. */
const SCRAPE_WAIT_MS = 50_000;
const TRACE_WAIT_MS = 30_000;

const MB = (b: number) => Math.round(b / 1024 ** 2);
const skip = (id: string, title: string, reason: string, extra: Partial<Check> = {}) =>
  check({ proof: 'live', id, title, status: 'skip', reason, ...extra });

/** What the request-following checks found, for the checks that build on it. */
export interface FollowedRequest {
  traceId: string;
  eventId?: string;
  postedAt: number;
}

// ---- the request, followed through the platform ----------------------------------------------

/**
 * The demo may still be reconnecting when verify reaches it (0-3's durability check restarts the
 * broker just before): wait, bounded, for its own readiness, and report how long that took.
 */
export const READY_WAIT_MS = 30_000;

async function healthCheck(demo: string): Promise<Check> {
  const id = `${T}.demo-health`;
  const title = 'Demo service health endpoints return 200 (/health, /ready with Kafka)';
  const t0 = Date.now();
  let last: { h: number; r: number; text: string } | undefined;
  let lastError = '';
  await poll(
    async () => {
      try {
        const h = await http(`${demo}/health`, { timeoutMs: 5_000 });
        const r = await http(`${demo}/ready`, { timeoutMs: 10_000 });
        last = { h: h.status, r: r.status, text: r.text };
        return h.status === 200 && r.status === 200 ? true : undefined;
      } catch (e) {
        lastError = errText(e);
        return undefined;
      }
    },
    READY_WAIT_MS,
    500,
  );
  const waited = Date.now() - t0;
  if (!last)
    return check({
      proof: 'live',
      id,
      title,
      criteria: ['0-13.ac7'],
      status: 'fail',
      reason: `${demo} did not answer within ${READY_WAIT_MS / 1000} s: ${lastError}; is the demo running (tasks.ts up 0-13)?`,
    });
  const ok = last.h === 200 && last.r === 200;
  return check({
    proof: 'live',
    id,
    title,
    criteria: ['0-13.ac7'],
    status: ok ? 'pass' : 'fail',
    measured: `${last.h}/${last.r}`,
    evidence: `GET ${demo}/health → ${last.h}; /ready → ${last.r} ${last.text.slice(0, 160)}; ready after ${waited} ms (waits up to ${READY_WAIT_MS / 1000} s for the service's own readiness)`,
    ...(ok
      ? {}
      : {
          reason: `not ready within ${READY_WAIT_MS / 1000} s; /ready said ${last.r} ${last.text.slice(0, 200)}`,
        }),
  });
}

/** Sum of a PromQL instant query, or undefined when it has no result yet. */
async function promValue(prom: string, query: string): Promise<number | undefined> {
  const r = await http(`${prom}/api/v1/query?${new URLSearchParams({ query })}`, { timeoutMs: 5_000 });
  if (r.status !== 200)
    throw new Error(`Prometheus /api/v1/query answered ${r.status}: ${r.text.slice(0, 200)}`);
  const body = JSON.parse(r.text) as { data?: { result?: { value?: [number, string] }[] } };
  const v = body.data?.result?.[0]?.value?.[1];
  return v === undefined ? undefined : Number(v);
}

const POSTS_QUERY = `sum(http_requests_total{job="${DEMO_SERVICE}",method="POST",route="/events",status_code="201"})`;

async function traceChecks(traceQuery: Endpoint, tempo: Endpoint, traceId: string): Promise<Check[]> {
  const id = `${T}.demo-trace`;
  const title = 'One trace spans the HTTP request, the Kafka produce and the consume (demo service)';
  // Where a stand-in stores the traces (native: Jaeger for Tempo), this trace is the one 0-13.ac6 asks for.
  const tempoCriteria = isAvailable(tempo) || standInOf(tempo).standIn ? ['0-13.ac6'] : [];
  const extra: Check[] = isAvailable(tempo)
    ? []
    : [
        skip(`${T}.demo-trace-tempo`, 'Demo service traces in Tempo', tempo.unavailable, {
          criteria: ['0-13.ac6'],
          ...standInOf(tempo),
        }),
      ];
  if (!isAvailable(traceQuery)) return [skip(id, title, traceQuery.unavailable), ...extra];
  const backend = traceQuery.substitute
    ? `${traceQuery.substitute.by} (for ${traceQuery.substitute.for}) ${traceQuery.url}`
    : `Tempo ${traceQuery.url}`;
  const t0 = Date.now();
  let spans: FoundSpan[] = [];
  let problems: string[] = ['no span yet'];
  await poll(
    async () => {
      spans = await lookupTrace(traceQuery.url, traceId);
      problems = traceProblems(spans);
      return problems.length === 0 ? true : undefined;
    },
    TRACE_WAIT_MS,
    500,
  );
  const names = spans.map((s) => `${s.name}${s.parentSpanId ? '' : ' (root)'}`).join(', ');
  return [
    check({
      ...proofVia(traceQuery),
      id,
      title,
      criteria: tempoCriteria,
      status: problems.length === 0 ? 'pass' : 'fail',
      measured: spans.length,
      unit: 'spans',
      evidence: `trace ${traceId} in the ${backend}: ${names || 'none'} (found after ${Date.now() - t0} ms)`,
      ...(problems.length ? { reason: problems.join('; ') } : {}),
    }),
    ...extra,
  ];
}

/** The chain the demo must produce: SERVER `POST /events` → PRODUCER `send <topic>` → CONSUMER `process <topic>`. */
export function traceProblems(spans: FoundSpan[]): string[] {
  const demo = spans.filter((s) => s.service === DEMO_SERVICE);
  const server = demo.find((s) => s.name === 'POST /events');
  const producer = demo.find((s) => s.name.startsWith('send '));
  const consumer = demo.find((s) => s.name.startsWith('process '));
  const out: string[] = [];
  if (!server) out.push('no SERVER span "POST /events" from demo-service');
  if (!producer) out.push('no PRODUCER span "send <topic>"');
  if (!consumer) out.push('no CONSUMER span "process <topic>"');
  if (out.length) return out;
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const ancestors = (s: FoundSpan) => {
    const seen = new Set<string>();
    for (let p = s.parentSpanId; p && !seen.has(p); p = byId.get(p)?.parentSpanId) seen.add(p);
    return seen;
  };
  if (!ancestors(producer!).has(server!.spanId))
    out.push('the produce span is not inside the HTTP request span');
  if (consumer!.parentSpanId !== producer!.spanId)
    out.push('the consume span does not continue the produce span (Kafka header propagation)');
  return out;
}

async function logChecks(ctx: PlatformContext, traceId: string): Promise<Check[]> {
  const id = `${T}.demo-logs-trace-id`;
  const title = "The demo's log lines for the request carry its trace_id (request, produce, consume)";
  const loki = ctx.target.endpoints().loki;
  const wanted = ['event produced', 'event consumed'];
  if (isAvailable(loki)) {
    const logql = `{service="${DEMO_SERVICE}"} | json | trace_id="${traceId}" | message="event consumed"`;
    const hit = await poll(() => queryRange(loki.url, logql, 10 * 60_000), 30_000, 500).catch(
      () => undefined,
    );
    return [
      check({
        proof: 'live',
        id,
        title,
        criteria: ['0-13.ac5'],
        status: hit ? 'pass' : 'fail',
        evidence: `Loki ${logql}`,
        ...(hit ? {} : { reason: 'Loki returned no consumed-event line with the trace id within 30 s' }),
      }),
    ];
  }
  const lokiSkip = skip(`${T}.demo-logs-loki`, 'Demo service logs in Loki', loki.unavailable, {
    criteria: ['0-13.ac5'],
    ...standInOf(loki),
  });
  // Without Loki, the demo's own log file where the target keeps one (native).
  const file = (await ctx.target.components.demo?.facts?.(ctx))?.logFile;
  if (!file)
    return [skip(id, title, `no log store to query on ${ctx.target.name}: ${loki.unavailable}`), lokiSkip];
  let lines: Record<string, unknown>[] = [];
  await poll(
    async () => {
      const text = await fs.readFile(file, 'utf8');
      lines = text
        .split('\n')
        .filter((l) => l.includes(traceId))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        })
        .filter((l) => l.trace_id === traceId);
      return wanted.every((w) => lines.some((l) => l.message === w)) ? true : undefined;
    },
    15_000,
    300,
  );
  const messages = [...new Set(lines.map((l) => String(l.message)))];
  const missing = wanted.filter((w) => !messages.includes(w));
  return [
    check({
      proof: 'live',
      id,
      title,
      status: missing.length === 0 ? 'pass' : 'fail',
      measured: lines.length,
      unit: 'lines',
      evidence: `${path.relative(ctx.paths.root, file)}: ${lines.length} JSON lines with trace_id ${traceId}: ${messages.join(', ')}`,
      ...(missing.length ? { reason: `no line "${missing.join('", "')}" with that trace_id` } : {}),
    }),
    lokiSkip,
  ];
}

/** Follows one POST /events through the platform. */
export async function requestChecks(
  ctx: PlatformContext,
): Promise<{ checks: Check[]; followed?: FollowedRequest }> {
  const ep = ctx.target.endpoints();
  const titles = {
    produce: 'POST /events produces to Kafka and answers with the offset',
    sse: 'The produced event arrives on GET /events/stream (consumed from Kafka)',
    prom: 'The request is visible in the demo metrics as scraped by Prometheus',
  };
  if (!isAvailable(ep.demo)) {
    const r = ep.demo.unavailable;
    return {
      checks: [
        skip(`${T}.demo-health`, 'Demo service health', r),
        skip(`${T}.demo-produce`, titles.produce, r),
        skip(`${T}.demo-sse`, titles.sse, r),
      ],
    };
  }
  const demo = ep.demo.url;
  const checks: Check[] = [await healthCheck(demo)];
  if (checks[0]?.status === 'fail') {
    const r = 'the demo service is not healthy (see 0-13.demo-health)';
    checks.push(
      check({
        proof: 'live',
        id: `${T}.demo-produce`,
        title: titles.produce,
        criteria: ['0-13.ac2'],
        status: 'fail',
        reason: r,
      }),
    );
    return { checks };
  }
  const prom = isAvailable(ep.prometheus) ? ep.prometheus.url : undefined;
  // The baseline: no series yet is 0 (the first 201 creates it); a failed query is no baseline at
  // all, and then no value of the counter can show that it moved.
  let baselineError: string | undefined;
  const before = prom
    ? await promValue(prom, POSTS_QUERY).catch((e: unknown) => void (baselineError = errText(e)))
    : undefined;

  // We choose the trace id: the request's SERVER span continues our traceparent.
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  const stream = await openEventStream(`${demo}/events/stream`, { timeoutMs: 10_000 }).catch(
    (e: unknown) => e as Error,
  );
  const postedAt = Date.now();
  let followed: FollowedRequest = { traceId, postedAt };
  try {
    const r = await http(`${demo}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent },
      body: JSON.stringify({
        type: 'verify.e2e',
        payload: { traceId, at: new Date(postedAt).toISOString() },
      }),
      timeoutMs: 15_000,
    });
    const body = JSON.parse(r.text || '{}') as {
      id?: string;
      topic?: string;
      partition?: number;
      offset?: string;
    };
    const ok = r.status === 201 && typeof body.offset === 'string';
    followed = { ...followed, ...(body.id ? { eventId: body.id } : {}) };
    checks.push(
      check({
        proof: 'live',
        id: `${T}.demo-produce`,
        title: titles.produce,
        criteria: ['0-13.ac2'],
        status: ok ? 'pass' : 'fail',
        measured: Math.round(r.ms),
        unit: 'ms',
        evidence: `POST ${demo}/events → ${r.status} topic ${body.topic} partition ${body.partition} offset ${body.offset}`,
        ...(ok ? {} : { reason: `expected 201 with an offset, got ${r.status} ${r.text.slice(0, 200)}` }),
      }),
    );
    if (!ok) return { checks };

    if (stream instanceof Error) {
      checks.push(
        check({
          proof: 'live',
          id: `${T}.demo-sse`,
          title: titles.sse,
          criteria: ['0-13.ac3'],
          status: 'fail',
          reason: stream.message,
        }),
      );
    } else {
      try {
        const got = await stream.waitFor(
          (e) => e.event === 'event' && (JSON.parse(e.data) as { id?: string }).id === body.id,
          20_000,
        );
        const ms = Date.now() - postedAt;
        checks.push(
          check({
            proof: 'live',
            id: `${T}.demo-sse`,
            title: titles.sse,
            criteria: ['0-13.ac3'],
            status: 'pass',
            measured: ms,
            unit: 'ms',
            evidence: `event ${body.id} on ${demo}/events/stream (SSE id ${got.id}) ${ms} ms after the POST`,
          }),
        );
      } catch (e) {
        checks.push(
          check({
            proof: 'live',
            id: `${T}.demo-sse`,
            title: titles.sse,
            criteria: ['0-13.ac3'],
            status: 'fail',
            reason: errText(e),
          }),
        );
      }
    }
  } finally {
    if (!(stream instanceof Error)) stream.close();
  }

  // Prometheus: the scraped counter moves past its value before the request.
  if (!prom) {
    checks.push(
      skip(`${T}.demo-metrics-scraped`, titles.prom, (ep.prometheus as { unavailable: string }).unavailable, {
        criteria: ['0-13.ac4'],
      }),
    );
  } else if (baselineError !== undefined) {
    checks.push(
      check({
        proof: 'live',
        id: `${T}.demo-metrics-scraped`,
        title: titles.prom,
        criteria: ['0-13.ac4'],
        status: 'fail',
        evidence: POSTS_QUERY,
        reason: `the baseline query before the request failed (${baselineError}), so no value after it can show the counter moved`,
      }),
    );
  } else {
    const t0 = Date.now();
    const after = await poll(
      async () => {
        const v = await promValue(prom, POSTS_QUERY);
        return v !== undefined && v > (before ?? 0) ? v : undefined;
      },
      SCRAPE_WAIT_MS,
      1_000,
    );
    checks.push(
      check({
        proof: 'live',
        id: `${T}.demo-metrics-scraped`,
        title: titles.prom,
        criteria: ['0-13.ac4'],
        status: after !== undefined ? 'pass' : 'fail',
        measured: after !== undefined ? Math.round((Date.now() - t0) / 100) / 10 : undefined,
        unit: 's',
        evidence: `${POSTS_QUERY}: ${before ?? 'no series'} → ${after ?? 'unchanged'} (job demo-service on ${prom})`,
        ...(after !== undefined
          ? {}
          : {
              reason: `the counter did not move within ${SCRAPE_WAIT_MS / 1000} s: is job ${DEMO_SERVICE} up in ${prom}/targets?`,
            }),
      }),
    );
  }

  checks.push(...(await traceChecks(ep.traceQuery, ep.tempo, traceId)));
  checks.push(...(await logChecks(ctx, traceId)));
  return { checks, followed };
}

// ---- Phase-0 requirements as measured figures --------------------------------------------------

/** REQ-0.1: resident memory of every supervised native process (each with its children). */
export async function stackMemoryCheck(ctx: PlatformContext): Promise<Check> {
  const id = `${T}.stack-memory`;
  const title = 'Memory of the whole stack < 4 GB (RSS of every platform process)';
  const measured = (await ctx.target.facts?.(ctx))?.processMemory;
  if (!measured) {
    return skip(
      id,
      title,
      `measured from the cluster's containers by the ${ctx.target.name} target's own checks (0-2/0-7)`,
      { requirement: 'REQ-0.1', criteria: ['0-13.ac9'] },
    );
  }
  const parts = [...measured];
  const total = parts.reduce((n, p) => n + p.bytes, 0);
  if (parts.length === 0)
    return check({
      proof: 'live',
      id,
      title,
      requirement: 'REQ-0.1',
      criteria: ['0-13.ac9'],
      status: 'fail',
      reason: `no supervised process is running (no live pid file in ${ctx.paths.run}); run tasks.ts up`,
    });
  return check({
    proof: 'live',
    id,
    title,
    requirement: 'REQ-0.1',
    criteria: ['0-13.ac9'],
    status: total < MEMORY_LIMIT_BYTES ? 'pass' : 'fail',
    measured: MB(total),
    unit: 'MB',
    threshold: `< ${MB(MEMORY_LIMIT_BYTES)}`,
    evidence: parts
      .sort((a, b) => b.bytes - a.bytes)
      .map((p) => `${p.name} ${MB(p.bytes)} MB`)
      .join(', '),
  });
}

/**
 * Start time of the stack: the last `up` run's span from its first node start to its last node
 * end, judged against the seed's bound: the target's own (REQ-0.1 on the Docker paths) or, where
 * the target has none, the same 2 minutes for the whole native stack. An `up` that found
 * everything running started nothing and measures nothing: a skip.
 */
export async function stackStartCheck(ctx: PlatformContext): Promise<Check> {
  const id = `${T}.stack-start`;
  const bound = (await ctx.target.facts?.(ctx))?.startBoundS;
  const limit = bound ?? CLUSTER_START_LIMIT_S;
  const title = `Stack start time (last \`up\`, ${ctx.target.name} target) < ${limit} s`;
  const state = await loadState(stateFile(ctx.paths.platform)).catch(() => undefined);
  const run = state?.lastRun.up;
  if (!run)
    return skip(
      id,
      title,
      `no \`up\` run recorded in ${path.relative(ctx.paths.root, stateFile(ctx.paths.platform))} yet`,
    );
  const ran = run.nodes.filter((n) => n.state === 'done' && n.startedAt && n.endedAt);
  if (ran.length === 0)
    return skip(
      id,
      title,
      `the last \`up\` (${new Date(run.startedAt).toISOString()}) found everything already up and started nothing; \`down\` then \`up\` measures a start`,
    );
  const s = Math.round((run.endedAt - run.startedAt) / 100) / 10;
  const slowest = [...ran]
    .sort((a, b) => b.endedAt! - b.startedAt! - (a.endedAt! - a.startedAt!))
    .slice(0, 3);
  const ok = s < limit;
  return check({
    proof: 'live',
    id,
    title,
    ...(bound ? { requirement: 'REQ-0.1' } : {}),
    status: ok ? 'pass' : 'fail',
    measured: s,
    unit: 's',
    threshold: `< ${limit}`,
    evidence: `up at ${new Date(run.startedAt).toISOString()}: ${ran.length} node(s) ran${run.nodes.length - ran.length ? `, ${run.nodes.length - ran.length} already up or n/a` : ''}; slowest ${slowest.map((n) => `${n.id} ${Math.round((n.endedAt! - n.startedAt!) / 100) / 10} s`).join(', ')}`,
    ...(ok ? {} : { reason: `the stack took ${s} s to start` }),
  });
}

/** REQ-0.1 k3d-only: cluster start < 2 min. */
export function clusterStartCheck(ctx: PlatformContext): Check {
  const id = `${T}.cluster-start`;
  const title = 'k3d cluster start < 2 min';
  if (!ctx.target.components.cluster) {
    return skip(
      id,
      title,
      `k3d only: the ${ctx.target.name} target has no cluster to start (no Docker engine); 0-2 measures it on k3d`,
      { requirement: 'REQ-0.1', criteria: ['0-13.ac9'] },
    );
  }
  const measured = ctx.env.CLUSTER_START_S;
  if (!measured)
    return skip(id, title, 'measured by 0-2 (cluster-start check); see that row', { requirement: 'REQ-0.1' });
  const s = Number(measured);
  return check({
    proof: 'live',
    id,
    title,
    requirement: 'REQ-0.1',
    criteria: ['0-13.ac9'],
    status: s < CLUSTER_START_LIMIT_S ? 'pass' : 'fail',
    measured: s,
    unit: 's',
    threshold: `< ${CLUSTER_START_LIMIT_S}`,
  });
}

/** REQ-0.5: the whole `.ci/run` wall time of this commit, the figure 0-8.duration judges too. */
export async function ciDurationCheck(ctx: PlatformContext): Promise<Check> {
  const { pipelineTimeCheck } = await import('../../../validation/lib/pipeline-time.ts');
  return pipelineTimeCheck(ctx.paths.root, ctx.paths.platform, {
    id: `${T}.ci-duration`,
    criteria: ['0-13.ac9'],
    title: 'CI pipeline < 5 minutes (the whole .ci/run of this commit)',
  });
}

/** REQ-0.2 from the bench helper (a short closed-loop + open-loop run), when it is present. */
async function benchChecks(ctx: PlatformContext): Promise<Check[]> {
  try {
    const mod =
      (await import('../03-event-bus/bench-checks.ts')) as typeof import('../03-event-bus/bench-checks.ts');
    return (await mod.kafkaBenchChecks(ctx, { task: '0-13', messages: 100_000, durationS: 5 })).checks;
  } catch (e) {
    return [
      check({
        ...proofVia(ctx.target.endpoints().kafka),
        id: `${T}.kafka-bench`,
        title: 'Kafka throughput and p95 (REQ-0.2)',
        requirement: 'REQ-0.2',
        status: 'fail',
        reason: `the Kafka bench could not run: ${errText(e).split('\n')[0]}`,
      }),
    ];
  }
}

/** 0-13.ac1: on k3d the demo runs from examples/demo-service/k8s (the k3d demo component's own check); elsewhere that criterion is k3d-only. */
export async function demoDeployedChecks(ctx: PlatformContext): Promise<Check[]> {
  const own = (await ctx.target.components.demo?.checks?.(ctx)) ?? [];
  if (own.length > 0) return own;
  const how = (await ctx.target.components.demo?.facts?.(ctx))?.runsAs ?? 'outside Kubernetes';
  return [
    skip(
      `${T}.demo-k8s`,
      'Demo service deployed to Kubernetes (examples/demo-service/k8s)',
      `k3d only: the ${ctx.target.name} target runs the demo ${how}; its k8s manifests are validated statically in the test suite`,
      { criteria: ['0-13.ac1'] },
    ),
  ];
}

/**
 * 0-13.ac8: the demo service's own integration tests (examples/demo-service, `npm run
 * test:integration`) run here against the target's Kafka; the verdict is uvu's exit code, the
 * counts come from the summary that ends its output.
 */
export async function integrationTestsCheck(ctx: PlatformContext): Promise<Check> {
  const id = `${T}.integration-tests`;
  const title = "Integration tests pass (the demo service's, against the target's Kafka)";
  const kafka = ctx.target.endpoints().kafka;
  if (!isAvailable(kafka)) return skip(id, title, kafka.unavailable, { criteria: ['0-13.ac8'] });
  const cwd = path.join(ctx.paths.root, 'examples', 'demo-service');
  const t0 = Date.now();
  const r = await execa('npm', ['run', 'test:integration'], {
    cwd,
    reject: false,
    all: true,
    timeout: 180_000,
    cancelSignal: ctx.signal,
    env: {
      KAFKA_BROKERS: kafka.url,
      NO_COLOR: '1',
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    },
  });
  const out = stripVTControlCharacters(r.all ?? '');
  const m = /Total:\s+(\d+)\s+Passed:\s+(\d+)\s+Skipped:\s+(\d+)\s+Duration:\s+\S+\s*$/.exec(out);
  const [total, passed] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  const ok = r.exitCode === 0 && !!m && total > 0 && passed === total;
  return check({
    proof: 'live',
    id,
    title,
    criteria: ['0-13.ac8'],
    status: ok ? 'pass' : 'fail',
    measured: m ? `${passed}/${total}` : undefined,
    unit: 'tests passed',
    evidence: `examples/demo-service: npm run test:integration with KAFKA_BROKERS=${kafka.url} → exit ${r.exitCode} in ${Math.round((Date.now() - t0) / 100) / 10} s`,
    ...(ok
      ? {}
      : {
          reason: m
            ? `${total - passed} of ${total} failed (exit ${r.exitCode})`
            : `no uvu summary (exit ${r.exitCode}): ${out.trim().split('\n').slice(-3).join(' ').slice(0, 200)}`,
        }),
  });
}

export interface E2eOptions {
  /** Skip the Kafka bench (tests run it separately; it loads the machine for ~20 s). */
  bench?: boolean;
}

/** Every 0-13 check, in report order. */
export async function e2eChecks(ctx: PlatformContext, opts: E2eOptions = {}): Promise<Check[]> {
  const { checks } = await requestChecks(ctx);
  checks.push(...(await demoDeployedChecks(ctx)));
  checks.push(
    await integrationTestsCheck(ctx),
    await stackMemoryCheck(ctx),
    await stackStartCheck(ctx),
    clusterStartCheck(ctx),
    await ciDurationCheck(ctx),
  );
  if (opts.bench !== false) checks.push(...(await benchChecks(ctx)));
  return checks;
}
