// Traces: search Jaeger by service, operation and time (#/traces?service=…), and one trace
// (#/traces/<trace id>) as a waterfall with the log lines it wrote inline and a link that opens
// those lines in VictoriaLogs' own UI (vmui): the console does not carry a logs UI of its own.
// Everything goes through the console's server (/api/jaeger, /api/logsql): one origin.
import '../traces/traces.css';
import { consoleInfo, failure, fetchText, getJson, getText } from '../lib/api.ts';
import { errorBox, h, headings } from '../lib/dom.ts';
import { routeHref, type Page, type Route } from '../lib/page.ts';
import {
  formatDuration,
  summarize,
  toWaterfall,
  type JaegerTrace,
  type TraceSummary,
} from '../traces/model.ts';
import {
  operationsUrl,
  parseLogLines,
  searchUrl,
  searchWindow,
  servicesUrl,
  traceLogWindow,
  traceLogsQuery,
  traceLogsUrl,
  traceUrl,
  vmuiUrl,
  type SearchForm,
} from '../traces/queries.ts';
import { searchForm, traceIdForm } from '../traces/search-forms.ts';
import { renderLogLines, renderWaterfall, revealSpan } from '../traces/waterfall.ts';

interface JaegerList<T> {
  data: T[] | null;
  errors?: { msg: string }[] | null;
}

/** The last search, so the trace view's "back" returns to it. */
let lastSearch = '';

const jaegerErrors = (r: JaegerList<unknown>) => (r.errors ?? []).map((e) => e.msg).join('; ');

function formFromRoute(route: Route, services: string[]): SearchForm {
  const p = route.params;
  const wanted = p.get('service') ?? '';
  return {
    service: services.includes(wanted) ? wanted : (services[0] ?? ''),
    operation: p.get('operation') ?? '',
    lookback: p.get('lookback') ?? '1h',
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
    limit: Math.min(Math.max(Number(p.get('limit') ?? 20) || 20, 1), 500),
  };
}

function formParams(f: SearchForm): URLSearchParams {
  const p = new URLSearchParams({ service: f.service, lookback: f.lookback, limit: String(f.limit) });
  if (f.operation) p.set('operation', f.operation);
  if (f.lookback === 'custom') {
    if (f.from) p.set('from', f.from);
    if (f.to) p.set('to', f.to);
  }
  return p;
}

const when = (us: number) => new Date(us / 1000).toLocaleString(undefined, { hour12: false });

function resultsTable(summaries: TraceSummary[]): HTMLElement {
  const longest = Math.max(1, ...summaries.map((s) => s.durationUs));
  return h(
    'table',
    { class: 'trace-results' },
    headings('started', 'trace', 'services (spans)', 'spans', 'duration'),
    ...summaries.map((s) =>
      h(
        'tr',
        { 'data-trace-id': s.traceId },
        h('td', { class: 'num' }, when(s.startUs)),
        h(
          'td',
          null,
          h('a', { href: routeHref('traces', [s.traceId]) }, `${s.rootService}: ${s.rootOperation}`),
          h('div', { class: 'muted mono' }, s.traceId),
        ),
        h('td', null, s.services.map(([svc, n]) => `${svc} (${n})`).join(', ')),
        h(
          'td',
          { class: 'num' },
          String(s.spans),
          s.errors ? h('span', { class: 'state-fail' }, ` · ${s.errors} errors`) : null,
        ),
        h(
          'td',
          null,
          h('div', { class: 'dur-bar', style: `width:${(100 * s.durationUs) / longest}%` }),
          formatDuration(s.durationUs),
        ),
      ),
    ),
  );
}

/** Runs the search the form describes and lists what Jaeger found, newest first. */
async function showResults(results: HTMLElement, form: SearchForm, signal: AbortSignal): Promise<void> {
  const window = searchWindow(form, Date.now());
  if ('error' in window) return void results.replaceChildren(errorBox(window.error));
  results.replaceChildren(h('div', { class: 'muted' }, 'Searching…'));
  const found = await getJson<JaegerList<JaegerTrace>>(searchUrl(form, window), signal);
  const summaries = (found.data ?? []).map(summarize).sort((a, b) => b.startUs - a.startUs);
  const what = `${form.service}${form.operation ? ` · ${form.operation}` : ''}`;
  const time = (ms: number) => new Date(ms).toLocaleString(undefined, { hour12: false });
  results.replaceChildren(
    h(
      'p',
      { class: 'muted' },
      `${summaries.length} trace${summaries.length === 1 ? '' : 's'} of ${what}, ${time(window.startMs)} – ${time(window.endMs)}`,
    ),
    jaegerErrors(found) ? errorBox(`Jaeger: ${jaegerErrors(found)}`) : '',
    summaries.length
      ? resultsTable(summaries)
      : h('p', { class: 'nodata' }, `No trace of ${what} in this time range.`),
  );
}

function renderSearch(root: HTMLElement, route: Route, signal: AbortSignal): void {
  const status = h('div', { class: 'muted' }, 'Loading services from Jaeger…');
  const results = h('div', { class: 'trace-search-results' });
  root.append(h('h1', null, 'Traces'), status, results);
  void (async () => {
    const [services, info] = await Promise.all([
      getJson<JaegerList<string>>(servicesUrl(), signal),
      consoleInfo().catch(() => undefined),
    ]);
    const names = (services.data ?? []).filter((s) => s !== 'jaeger').sort();
    if (!names.length) {
      status.replaceWith(
        errorBox(
          `Jaeger has no traces yet${jaegerErrors(services) ? ` (${jaegerErrors(services)})` : ''}: send a request to a service (make up sends one to the demo)`,
        ),
      );
      return;
    }
    const form = formFromRoute(route, names);
    const ops = await getJson<JaegerList<string>>(operationsUrl(form.service), signal);
    const go = (f: SearchForm) => {
      location.hash = routeHref('traces', [], formParams(f));
    };
    status.replaceWith(
      h('div', { class: 'trace-forms' }, searchForm(form, names, ops.data ?? [], info?.links.logs, go), traceIdForm()),
    );
    lastSearch = formParams(form).toString();
    await showResults(results, form, signal);
  })().catch((e: unknown) => {
    if (!signal.aborted) root.append(errorBox((e as Error).message));
  });
}

/** The trace's title line: root service and operation, id, start, duration, spans, services. */
function traceHead(traceId: string, w: ReturnType<typeof toWaterfall>, s: ReturnType<typeof summarize>): HTMLElement {
  return h(
    'div',
    { class: 'trace-head' },
    h('h1', null, `${s.rootService}: ${s.rootOperation}`),
    h(
      'div',
      { class: 'muted' },
      h('span', { class: 'mono' }, traceId),
      ` · started ${when(w.startUs)} · ${formatDuration(w.durationUs)} · ${s.spans} spans · ${w.services.join(', ')}`,
    ),
  );
}

/** The trace's lines from VictoriaLogs into `box`, each linked to its span in the waterfall. */
async function fillLogLines(
  box: HTMLElement,
  traceId: string,
  w: ReturnType<typeof toWaterfall>,
  logWindow: ReturnType<typeof traceLogWindow>,
  reveal: (spanId: string) => void,
  signal: AbortSignal,
): Promise<ReturnType<typeof parseLogLines>> {
  let lines: ReturnType<typeof parseLogLines>;
  try {
    lines = parseLogLines(await getText(traceLogsUrl(traceId, logWindow), signal));
  } catch (e) {
    if (!signal.aborted) box.replaceChildren(errorBox(`log lines: ${(e as Error).message}`));
    return [];
  }
  const between = `between ${new Date(logWindow.startMs).toISOString()} and ${new Date(logWindow.endMs).toISOString()}`;
  box.replaceChildren(
    lines.length
      ? renderLogLines(lines, w.startUs, reveal)
      : h('p', { class: 'nodata' }, `No log line carries trace_id ${traceId} in VictoriaLogs (${between}).`),
  );
  box.dataset.lines = String(lines.length);
  return lines;
}

/** The trace Jaeger holds, or the error box saying why there is none. */
async function loadTrace(traceId: string, signal: AbortSignal): Promise<JaegerTrace | HTMLElement> {
  const r = await fetchText(traceUrl(traceId), signal);
  // Jaeger answers 404 with its own JSON error for an id it does not hold.
  if (r.status === 404)
    return errorBox(
      `Jaeger holds no trace ${traceId}: it may not have arrived yet, or its retention has passed (${failure(traceUrl(traceId), r.status, r.text).message})`,
    );
  if (r.status >= 400) throw failure(traceUrl(traceId), r.status, r.text);
  const answer = JSON.parse(r.text) as JaegerList<JaegerTrace>;
  return (
    answer.data?.[0] ??
    errorBox(`Jaeger holds no trace ${traceId}${jaegerErrors(answer) ? `: ${jaegerErrors(answer)}` : ''}`)
  );
}

function renderTrace(root: HTMLElement, traceId: string, signal: AbortSignal): void {
  const back = h('a', { href: lastSearch ? `#/traces?${lastSearch}` : routeHref('traces') }, '← Search');
  const status = h('div', { class: 'muted' }, `Loading trace ${traceId} from Jaeger…`);
  root.append(h('div', { class: 'toolbar' }, back), status);
  void (async () => {
    const trace = await loadTrace(traceId, signal);
    if (trace instanceof HTMLElement) return void status.replaceWith(trace);
    const w = toWaterfall(trace);
    const logWindow = traceLogWindow(w.startUs, w.durationUs);
    const info = await consoleInfo().catch(() => undefined);
    const vmui = info?.links.logs
      ? h(
          'a',
          {
            href: vmuiUrl(info.links.logs, traceLogsQuery(traceId), logWindow),
            target: '_blank',
            rel: 'noopener',
            class: 'vmui-link',
          },
          'Open these lines in VictoriaLogs ↗',
        )
      : h('span', { class: 'muted' }, 'no VictoriaLogs on this target');
    const logsBox = h('div', { class: 'trace-logs-box' }, h('div', { class: 'muted' }, 'Loading the log lines…'));
    // A span's detail reads the lines when it opens: they arrive after the waterfall is drawn.
    let lines: ReturnType<typeof parseLogLines> = [];
    const waterfallBox = h('div', null, renderWaterfall(w, (spanId) => lines.filter((l) => l.spanId === spanId)));
    status.replaceWith(
      traceHead(traceId, w, summarize(trace)),
      waterfallBox,
      h('h2', null, 'Log lines of this trace ', vmui),
      logsBox,
    );
    lines = await fillLogLines(logsBox, traceId, w, logWindow, (id) => revealSpan(waterfallBox, id), signal);
  })().catch((e: unknown) => {
    if (signal.aborted) return;
    if (status.isConnected) status.replaceWith(errorBox((e as Error).message));
    else root.append(errorBox((e as Error).message));
  });
}

export const tracesPage: Page = {
  id: 'traces',
  title: 'Traces',
  render(root, route) {
    const stop = new AbortController();
    const id = route.rest[0];
    if (id) renderTrace(root, id.toLowerCase(), stop.signal);
    else renderSearch(root, route, stop.signal);
    return () => stop.abort();
  },
};
