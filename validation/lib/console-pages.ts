// What the console's browser tests, bench/console.ts and the console verify checks read from a page:
// follow a demo request from POST to its trace in the console, and read what the page drew.
// Every step waits on the page's own elements (Playwright locators), never on a sleep.
import type { Page } from 'playwright-core';
import { http, poll } from './http.ts';
import { logsql, quote } from './logsql.ts';

export interface DrawnSpan {
  spanId: string;
  parentId: string | null;
  service: string;
  operation: string;
  kind: string;
}

export interface DrawnLogLine {
  spanId: string;
  text: string;
}

/**
 * The browser's clock (ms since navigation start) at the first animation frame with `n` waterfall
 * rows: taken inside the page, so Playwright's own round trips are not counted.
 */
export async function spansDrawnAt(page: Page, n: number, timeoutMs = 15_000): Promise<number> {
  const handle = await page.waitForFunction(
    (k) => document.querySelectorAll('.wf-span').length >= k && performance.now(),
    n,
    { polling: 'raf', timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as number;
}

/** The waterfall's rows as drawn, once at least `atLeast` spans are there. */
export async function drawnSpans(page: Page, atLeast = 1, timeoutMs = 15_000): Promise<DrawnSpan[]> {
  await page
    .locator('.wf-span')
    .nth(atLeast - 1)
    .waitFor({ timeout: timeoutMs });
  return page.locator('.wf-span').evaluateAll((els) =>
    els.map((el) => {
      const d = (el as HTMLElement).dataset;
      return {
        spanId: d.spanId ?? '',
        parentId: d.parentId ?? null,
        service: d.service ?? '',
        operation: d.operation ?? '',
        kind: d.kind ?? '',
      };
    }),
  );
}

/** The trace's log lines as drawn under the waterfall (waits until the lines or their absence are shown). */
export async function drawnLogLines(page: Page, timeoutMs = 15_000): Promise<DrawnLogLine[]> {
  await page
    .locator('.trace-logs, .trace-logs-box .nodata, .trace-logs-box .error')
    .first()
    .waitFor({ timeout: timeoutMs });
  const error = page.locator('.trace-logs-box .error');
  if (await error.count()) throw new Error(`the trace page shows: ${await error.first().textContent()}`);
  return page
    .locator('.trace-logs tr.log-line')
    .evaluateAll((els) =>
      els.map((el) => ({ spanId: (el as HTMLElement).dataset.spanId ?? '', text: el.textContent ?? '' })),
    );
}

/** The demo's request chain in a waterfall: its spans by role, or what is missing or out of place. */
export function demoChain(spans: DrawnSpan[]): {
  problems: string[];
  server?: DrawnSpan;
  producer?: DrawnSpan;
  consumer?: DrawnSpan;
} {
  const find = (kind: string, prefix: string) =>
    spans.find((s) => s.kind === kind && s.operation.startsWith(prefix));
  const server = find('server', 'POST /events');
  const producer = find('producer', 'send ');
  const consumer = find('consumer', 'process ');
  const problems: string[] = [];
  if (!server) problems.push("no server span 'POST /events'");
  if (!producer) problems.push("no producer span 'send …'");
  if (!consumer) problems.push("no consumer span 'process …'");
  if (server && producer && producer.parentId !== server.spanId)
    problems.push('the publish span is not under the request');
  if (producer && consumer && consumer.parentId !== producer.spanId)
    problems.push('the consume span is not under the publish span');
  return {
    problems,
    ...(server ? { server } : {}),
    ...(producer ? { producer } : {}),
    ...(consumer ? { consumer } : {}),
  };
}

export interface DemoRequest {
  traceId: string;
  eventId: string;
  /** The trace id the SSE client received with the consumed event: the same trace, end to end. */
  sseTraceId: string;
}

/**
 * The demo's whole path, as a user drives it: subscribe to GET /events/stream, POST /events,
 * and wait until the consumer pushed that event to the subscriber.
 */
export async function demoRequest(demoUrl: string, timeoutMs = 20_000): Promise<DemoRequest> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  try {
    const sse = await fetch(`${demoUrl}/events/stream`, { signal: stop.signal });
    if (!sse.ok || !sse.body) throw new Error(`GET ${demoUrl}/events/stream answered ${sse.status}`);
    const reader = sse.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    // Wait for the `subscribed` event: from then on every consumed event reaches this client.
    const nextEvent = async (): Promise<{ event: string; data: string }> => {
      for (;;) {
        const end = buf.indexOf('\n\n');
        if (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const field = (n: string) =>
            block
              .split('\n')
              .filter((l) => l.startsWith(`${n}:`))
              .map((l) => l.slice(n.length + 1).trim())
              .join('\n');
          if (field('event') || field('data')) return { event: field('event'), data: field('data') };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the SSE stream ended');
        buf += value;
      }
    };
    while ((await nextEvent()).event !== 'subscribed');
    const post = await fetch(`${demoUrl}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'console.traceprobe', payload: { at: new Date().toISOString() } }),
      signal: stop.signal,
    });
    const body = (await post.json()) as { id?: string; traceId?: string };
    if (post.status !== 201 || !body.id || !body.traceId)
      throw new Error(
        `POST ${demoUrl}/events answered ${post.status}: ${JSON.stringify(body).slice(0, 200)}`,
      );
    for (;;) {
      const ev = await nextEvent();
      if (ev.event !== 'event') continue;
      const pushed = JSON.parse(ev.data) as { id?: string; traceId?: string };
      if (pushed.id === body.id)
        return { traceId: body.traceId, eventId: body.id, sseTraceId: pushed.traceId ?? '' };
    }
  } catch (e) {
    if (stop.signal.aborted)
      throw new Error(`the demo did not push the posted event over SSE within ${timeoutMs} ms`, { cause: e });
    throw e;
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
}

/**
 * Waits until the stores hold what the page is to show: Jaeger `minSpans` spans of the trace and
 * VictoriaLogs `minLines` lines carrying its trace id (the collector ships log files in batches).
 * Returns what each store held, so a failure says which one was behind.
 */
export async function storesHold(
  urls: { jaeger: string; logsql: string },
  traceId: string,
  want: { minSpans: number; minLines: number },
  timeoutMs = 30_000,
): Promise<{ spans: number; lines: number }> {
  let spans = 0;
  let lines = 0;
  await poll(
    async () => {
      const r = await http(`${urls.jaeger}/api/traces/${traceId}`, { timeoutMs: 5_000 });
      if (r.status === 200)
        spans = (JSON.parse(r.text) as { data?: { spans: unknown[] }[] }).data?.[0]?.spans.length ?? 0;
      lines = (await logsql(urls.logsql, `trace_id:${quote(traceId)}`, { limit: 100 })).rows.length;
      return spans >= want.minSpans && lines >= want.minLines ? true : undefined;
    },
    timeoutMs,
    300,
  );
  return { spans, lines };
}

/** The dashboards the console serves (the committed JSON files), with the route that opens each. */
export async function listDashboards(
  consoleUrl: string,
): Promise<{ uid: string; title: string; href: string }[]> {
  const r = await http(`${consoleUrl}/api/dashboards`);
  if (r.status !== 200)
    throw new Error(`GET ${consoleUrl}/api/dashboards answered ${r.status}: ${r.text.slice(0, 200)}`);
  return (JSON.parse(r.text) as { uid: string; title: string }[]).map((d) => ({
    ...d,
    href: `#/dashboards/${encodeURIComponent(d.uid)}`,
  }));
}

export interface DrawnPanel {
  title: string;
  /** drawn: points or a value; nodata: the panel says there is none; error: it says why it cannot draw. */
  state: 'drawn' | 'nodata' | 'error';
  /** Points drawn (time series) or 1 (a stat's value). */
  points: number;
  /** Why it did not draw, as the panel says (its data-reason). */
  message: string;
}

/** The browser's clock at the first frame where the dashboard has panels and all of them settled. */
export async function panelsSettledAt(page: Page, timeoutMs = 15_000): Promise<number> {
  const handle = await page.waitForFunction(
    // No named function inside: tsx's transform would wrap it in a helper the page does not have.
    () => {
      const panels = [...document.querySelectorAll('.panel')];
      return (
        panels.length > 0 &&
        panels.every((p) => ['drawn', 'nodata', 'error'].includes((p as HTMLElement).dataset.state ?? '')) &&
        performance.now()
      );
    },
    null,
    { polling: 'raf', timeout: timeoutMs },
  );
  return (await handle.jsonValue()) as number;
}

/**
 * Waits until every panel of the open dashboard has settled (drawn, "no data" or an error on the
 * panel) and reads each one's state.
 */
export async function dashboardPanels(page: Page, timeoutMs = 15_000): Promise<DrawnPanel[]> {
  await panelsSettledAt(page, timeoutMs);
  return page.locator('.panel').evaluateAll((els) =>
    els.map((el) => {
      const d = (el as HTMLElement).dataset;
      return {
        title: el.querySelector('.title')?.textContent ?? '',
        state: d.state as DrawnPanel['state'],
        points: Number(d.points ?? 0),
        message: d.reason ?? '',
      };
    }),
  );
}

/** For the bench: every panel settled; the count and the panels that did not draw, by title and reason. */
export async function dashboardPanelsDrawn(
  page: Page,
): Promise<{ settledMs: number; panels: number; problems: string[] }> {
  const settledMs = await panelsSettledAt(page);
  const panels = await dashboardPanels(page);
  return {
    settledMs,
    panels: panels.length,
    problems: panels
      .filter((p) => p.state !== 'drawn')
      .map((p) => `${p.title}: ${p.state} ${p.message}`.trim()),
  };
}
