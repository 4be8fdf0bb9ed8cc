// Console benchmark (issue 21), measured in a real browser against the stack `up` started (the
// checkout's .env ports, tracing and log shipping on):
//   node bench/console.ts [--runs 5] [--json bench/results/console.json]
// 1. start: the console's own command (as the native target runs it) on a free port beside the
//    running one, from spawn to /api/health answering, and to its page shell drawn in the browser.
// 2. dashboards: each committed dashboard opened by URL, from navigation start (the browser's
//    clock) until every panel is drawn: points, a stat, or the panel's own "no data"/error.
// 3. a trace of 50 spans (4 services, events) sent to Jaeger over OTLP/HTTP, opened by URL, from
//    navigation start until its 50 rows are in the waterfall (and the waterfall's own build time).
// 4. memory: the running console's RSS after all of the above.
// Bounds: start < 1 s, dashboard < 1.5 s, 50-span trace < 300 ms, RSS < 80 MB. Exit 1 when one
// is missed, 2 when the stack is not up or an option is wrong.
import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT_CONTEXT, SpanKind, trace, type Tracer } from '@opentelemetry/api';
import type { Page } from 'playwright-core';
import type { PlatformContext } from '../tasks/context.ts';
import { UsageError } from '../tasks/engine/task.ts';
import { loadSettings } from '../tasks/config/settings.ts';
import { bundleConsole, assetsBundle, serverBundle } from '../tasks/console/bundle.ts';
import { backendsOf, consoleEnv } from '../tasks/console/config.ts';
import { REPO_ROOT, resolvePaths } from '../tasks/paths.ts';
import { freePort } from '../tasks/ports.ts';
import { createTarget } from '../tasks/targets/index.ts';
import { isAvailable, type ProcessRow } from '../tasks/targets/target.ts';
import { startTracing } from '../templates/service/src/lib/tracing.ts';
import { launchBrowser, newPage } from '../validation/lib/browser.ts';
import { http, poll } from '../validation/lib/http.ts';
import { dashboardPanelsDrawn, listDashboards, spansDrawnAt } from '../validation/lib/console-pages.ts';
import { runIfMain, stringFlags, writeJson } from './lib/cli.ts';

const BOUNDS = { startMs: 1_000, dashboardMs: 1_500, traceMs: 300, rssMb: 80 } as const;
const TRACE_SPANS = 50;

interface Options {
  runs: number;
  json?: string;
}

const USAGE =
  'usage: node bench/console.ts [--runs 5] [--json FILE]\n  the running console (start the stack first: node tasks.ts up): start time, dashboards and a 50-span trace drawn in Chromium, RSS';

function parse(argv: string[]): Options {
  const v = stringFlags('bench/console.ts', argv, ['runs', 'json'], USAGE);
  const runs = v.runs === undefined ? 5 : Number(v.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100)
    throw new UsageError(`bench/console.ts: --runs must be an integer 1-100 (got ${v.runs})`);
  return { runs, ...(v.json ? { json: v.json } : {}) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r1 = (x: number) => Math.round(x * 10) / 10;
const stats = (xs: number[]) => ({ median: r1(median(xs)), max: r1(Math.max(...xs)), runs: xs.map(r1) });

/**
 * The console's own command as the native target runs it (`node server.mjs`, its configuration
 * from the target's endpoints in the environment, tasks/console/config.ts), bundled once into a
 * scratch directory and started on a free port beside the running console: spawn → /api/health
 * answers, and → the page shell drawn in the browser.
 */
async function startTimes(ctx: PlatformContext, page: Page, runs: number) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-console-'));
  const ready: number[] = [];
  const shell: number[] = [];
  try {
    await bundleConsole(path.join(dir, 'console'));
    for (let i = 0; i < runs; i++) {
      const port = await freePort();
      const env = consoleEnv({
        port,
        target: ctx.target.name,
        root: ctx.paths.root,
        platformDir: ctx.paths.platform,
        assetsDir: assetsBundle(path.join(dir, 'console')),
        ...backendsOf(ctx.target.endpoints()),
      });
      const t0 = performance.now();
      const child = spawn(process.execPath, [serverBundle(path.join(dir, 'console'))], {
        cwd: ctx.paths.root,
        env: { ...process.env, ...env },
        stdio: 'ignore',
      });
      const exited = new Promise((r) => child.once('exit', r));
      try {
        const ok = await poll(
          async () =>
            (await http(`http://127.0.0.1:${port}/api/health`, { timeoutMs: 1_000 })).status === 200
              ? true
              : undefined,
          15_000,
          5,
        );
        if (!ok) throw new Error(`the console's command did not answer on port ${port} within 15 s`);
        ready.push(performance.now() - t0);
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.locator('#nav a').nth(4).waitFor();
        shell.push(performance.now() - t0);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    }
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
  return { ready: stats(ready), shell: stats(shell) };
}

const SERVICES = ['bench-gateway', 'bench-orders', 'bench-pricing', 'bench-ledger'];

/** Span i of the trace under `parent`: its service's tracer, times in ms since the epoch. */
function benchSpan(tracer: Tracer, i: number, parent: ReturnType<typeof trace.getSpan>, t0: number) {
  const start = t0 + i * 2;
  const span = tracer.startSpan(
    i === 0 ? 'GET /orders/{id}' : `step-${i}`,
    {
      kind: i === 0 ? SpanKind.SERVER : SpanKind.CLIENT,
      startTime: start,
      attributes: { 'bench.index': i, symbol: 'AAPL', price: 150.25 },
    },
    parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
  );
  if (i % 5 === 0) span.addEvent('cache.miss', { key: `k${i}` }, start + 1);
  span.end(start + 20 - i * 0.3);
  return span;
}

/**
 * A trace of `n` spans over four services sent to the target's OTLP gRPC endpoint by the service
 * library's own exporter (one tracer provider per service, as four services would): a gateway
 * request fanning out to services that call one another (4-6 levels deep), three attributes per
 * span and an event on every fifth. Returns its trace id.
 */
async function sendTrace(otlpGrpc: string, n: number): Promise<string> {
  const tracings = SERVICES.map((serviceName) =>
    startTracing({ serviceName, endpoint: otlpGrpc, register: false, scheduledDelayMillis: 100 }),
  );
  try {
    const t0 = Date.now() - 5_000;
    const spans: NonNullable<ReturnType<typeof trace.getSpan>>[] = [];
    for (let i = 0; i < n; i++) {
      // Parent: the span 1-4 places before, the root for the first.
      const parent = i === 0 ? undefined : spans[Math.max(0, i - 1 - (i % 4))];
      spans.push(benchSpan(tracings[i === 0 ? 0 : 1 + (i % 3)]!.tracer, i, parent, t0));
    }
    await Promise.all(tracings.map((t) => t.forceFlush()));
    return spans[0]!.spanContext().traceId;
  } finally {
    await Promise.all(tracings.map((t) => t.shutdown()));
  }
}

/** From navigation start to `count` waterfall rows, in the browser's clock; and the build alone. */
async function traceTimes(page: Page, consoleUrl: string, traceId: string, runs: number) {
  const drawn: number[] = [];
  const build: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.goto('about:blank');
    await page.goto(`${consoleUrl}/#/traces/${traceId}`);
    drawn.push(await spansDrawnAt(page, TRACE_SPANS));
    build.push(Number(await page.locator('.waterfall').getAttribute('data-build-ms')));
  }
  return { drawn: stats(drawn), build: stats(build) };
}

/** The 50-span trace, once Jaeger (the target's trace query API) holds all of it. */
async function storedTrace(ctx: PlatformContext): Promise<string> {
  const ep = ctx.target.endpoints();
  if (!isAvailable(ep.otlpGrpc) || !isAvailable(ep.traceQuery))
    throw new UsageError(
      'bench/console.ts: the target has no OTLP receiver or trace query API to send the trace to',
    );
  const traceId = await sendTrace(ep.otlpGrpc.url, TRACE_SPANS);
  const query = ep.traceQuery.url;
  const stored = await poll(async () => {
    const r = await http(`${query}/api/traces/${traceId}`);
    const n =
      r.status === 200
        ? ((JSON.parse(r.text) as { data: { spans: unknown[] }[] }).data[0]?.spans.length ?? 0)
        : 0;
    return n >= TRACE_SPANS ? n : undefined;
  }, 20_000);
  if (!stored) throw new Error(`${query} did not hold the ${TRACE_SPANS}-span trace ${traceId} within 20 s`);
  return traceId;
}

type DashboardTimes = ReturnType<typeof stats> & { panels: number; problems: string[] };

async function dashboardTimes(
  page: Page,
  consoleUrl: string,
  runs: number,
): Promise<Record<string, DashboardTimes>> {
  const dashboards: Record<string, DashboardTimes> = {};
  for (const d of await listDashboards(consoleUrl)) {
    const times: number[] = [];
    let last = { panels: 0, problems: [] as string[] };
    for (let i = 0; i < runs; i++) {
      await page.goto('about:blank');
      await page.goto(`${consoleUrl}/${d.href}`);
      const drawn = await dashboardPanelsDrawn(page);
      last = { panels: drawn.panels, problems: drawn.problems };
      times.push(drawn.settledMs);
    }
    dashboards[d.title] = { ...stats(times), ...last };
  }
  return dashboards;
}

/** The running console's row of `status` (its own RSS), asked of the component that runs it. */
async function consoleRow(ctx: PlatformContext): Promise<ProcessRow | undefined> {
  for (const c of Object.values(ctx.target.components)) {
    const row = c.processes?.includes('console')
      ? (await c.rows?.(ctx))?.find((r) => r.name === 'console')
      : undefined;
    if (row) return row;
  }
  return undefined;
}

async function platformContext(): Promise<PlatformContext> {
  const settings = loadSettings({ root: REPO_ROOT, env: process.env });
  const paths = resolvePaths();
  return {
    signal: new AbortController().signal,
    log: () => {},
    logFile: path.join(paths.logs, 'bench-console.log'),
    target: await createTarget('native', settings),
    paths,
    env: settings,
  };
}

interface Results {
  start: Awaited<ReturnType<typeof startTimes>>;
  dashboards: Record<string, DashboardTimes>;
  trace: Awaited<ReturnType<typeof traceTimes>> & { traceId: string };
  rssMb: number;
  /** Its RSS when the benchmark began (idle after `up`, or whatever use came before). */
  rssBeforeMb: number;
  pid: number;
}

function report(o: Options, r: Results) {
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const worstDashboard = Math.max(...Object.values(r.dashboards).map((d) => d.median));
  const verdicts = {
    start: r.start.ready.median < BOUNDS.startMs,
    dashboards: Object.keys(r.dashboards).length > 0 && worstDashboard < BOUNDS.dashboardMs,
    trace: r.trace.drawn.median < BOUNDS.traceMs,
    rss: r.rssMb < BOUNDS.rssMb,
  };
  const met = (b: boolean) => (b ? 'met' : 'MISSED');
  console.log(`console benchmark (${o.runs} runs each, medians; load average ${load})`);
  console.log(
    `  start: ready ${r.start.ready.median} ms (max ${r.start.ready.max}), page shell drawn ${r.start.shell.median} ms → < ${BOUNDS.startMs} ms ${met(verdicts.start)}`,
  );
  for (const [title, d] of Object.entries(r.dashboards))
    console.log(
      `  dashboard ${title}: ${d.panels} panels drawn ${d.median} ms (max ${d.max})${d.problems.length ? `; panels saying why: ${d.problems.join('; ')}` : ''}`,
    );
  console.log(
    `  dashboards: slowest median ${worstDashboard} ms → < ${BOUNDS.dashboardMs} ms ${met(verdicts.dashboards)}`,
  );
  console.log(
    `  trace of ${TRACE_SPANS} spans: drawn ${r.trace.drawn.median} ms after navigation (max ${r.trace.drawn.max}); waterfall built in ${r.trace.build.median} ms → < ${BOUNDS.traceMs} ms ${met(verdicts.trace)}`,
  );
  console.log(
    `  console RSS ${r.rssMb} MB after the above (${r.rssBeforeMb} MB before; pid ${r.pid}) → < ${BOUNDS.rssMb} MB ${met(verdicts.rss)}`,
  );
  return { at: new Date().toISOString(), load, runs: o.runs, bounds: BOUNDS, ...r, verdicts };
}

export async function main(argv: string[]): Promise<number> {
  const o = parse(argv);
  const ctx = await platformContext();
  const ep = ctx.target.endpoints().console;
  const consoleUrl = isAvailable(ep) ? ep.url : undefined;
  const before = await consoleRow(ctx);
  if (!consoleUrl || before?.state !== 'running' || !before.pid)
    throw new UsageError(
      `bench/console.ts: the console${consoleUrl ? ` at ${consoleUrl}` : ''} is not running; bring the stack up first: node tasks.ts up`,
    );
  const browser = await launchBrowser();
  try {
    const page = await newPage(browser);
    const start = await startTimes(ctx, page, o.runs);
    const dashboards = await dashboardTimes(page, consoleUrl, o.runs);
    const traceId = await storedTrace(ctx);
    const trace = { ...(await traceTimes(page, consoleUrl, traceId, o.runs)), traceId };
    const row = await consoleRow(ctx);
    const mb = (bytes = 0) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const out = report(o, {
      start,
      dashboards,
      trace,
      rssMb: mb(row?.rssBytes),
      rssBeforeMb: mb(before.rssBytes),
      pid: row?.pid ?? before.pid,
    });
    if (o.json) await writeJson(o.json, out);
    return Object.values(out.verdicts).every(Boolean) ? 0 : 1;
  } finally {
    await browser.close();
  }
}

runIfMain(import.meta.url, main);
