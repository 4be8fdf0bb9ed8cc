// Traces: search Jaeger by service, operation and time (#/traces?service=…), and one trace
// (#/traces/<trace id>) as a waterfall with the log lines it wrote inline and a link that opens
// those lines in VictoriaLogs' own UI (vmui): the console does not carry a logs UI of its own.
// Everything goes through the console's server (/api/jaeger, /api/logsql): one origin.
import '../traces/traces.css';
import { ApiError, consoleInfo, getJson } from '../lib/api.ts';
import { errorBox, h } from '../lib/dom.ts';
import { routeHref, type Page, type Route } from '../lib/page.ts';
import {
  formatDuration,
  summarize,
  toWaterfall,
  type JaegerTrace,
  type TraceSummary,
} from '../traces/model.ts';
import {
  LOOKBACKS,
  isTraceId,
  operationsUrl,
  parseLogLines,
  searchUrl,
  searchWindow,
  serviceLogsQuery,
  servicesUrl,
  traceLogWindow,
  traceLogsQuery,
  traceLogsUrl,
  traceUrl,
  vmuiUrl,
  type SearchForm,
} from '../traces/queries.ts';
import { renderLogLines, renderWaterfall, revealSpan } from '../traces/waterfall.ts';

interface JaegerList<T> {
  data: T[] | null;
  errors?: { msg: string }[] | null;
}

/** The last search, so the trace view's "back" returns to it. */
let lastSearch = '';

/** An answer's status and text; throws only when the console's server cannot be reached. */
async function fetchText(path: string, signal: AbortSignal): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await fetch(path, { signal });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new ApiError(
      `the console's server is not answering (${(e as Error).message}); start the platform with make up`,
    );
  }
  return { status: res.status, text: await res.text() };
}

/** The one line of a failed answer: the console's own `{error}`, a backend's JSON errors, or its text. */
function failure(path: string, status: number, text: string): ApiError {
  try {
    const b = JSON.parse(text) as { error?: string; errors?: { msg: string }[] };
    if (b.error) return new ApiError(b.error);
    if (b.errors?.length) return new ApiError(b.errors.map((e) => e.msg).join('; '));
  } catch {
    // not JSON: the store's own plain-text error, kept as is
  }
  return new ApiError(`${path}: HTTP ${status}: ${text.slice(0, 200)}`);
}

/** A text answer (LogsQL answers JSON lines). */
async function getText(path: string, signal: AbortSignal): Promise<string> {
  const r = await fetchText(path, signal);
  if (r.status >= 400) throw failure(path, r.status, r.text);
  return r.text;
}

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
    h(
      'tr',
      null,
      h('th', null, 'started'),
      h('th', null, 'trace'),
      h('th', null, 'services (spans)'),
      h('th', null, 'spans'),
      h('th', null, 'duration'),
    ),
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
    const service = h(
      'select',
      { name: 'service', 'aria-label': 'service' },
      ...names.map((n) => h('option', { value: n, selected: n === form.service }, n)),
    );
    const operation = h(
      'select',
      { name: 'operation', 'aria-label': 'operation' },
      h('option', { value: '' }, 'all operations'),
      ...(ops.data ?? []).sort().map((o) => h('option', { value: o, selected: o === form.operation }, o)),
    );
    const lookback = h(
      'select',
      { name: 'lookback', 'aria-label': 'time range' },
      ...LOOKBACKS.map(([v, t]) => h('option', { value: v, selected: v === form.lookback }, t)),
    );
    const from = h('input', {
      type: 'datetime-local',
      name: 'from',
      value: form.from ?? '',
      'aria-label': 'from',
    });
    const to = h('input', { type: 'datetime-local', name: 'to', value: form.to ?? '', 'aria-label': 'to' });
    const custom = h('span', { class: 'custom-range', hidden: form.lookback !== 'custom' }, from, ' – ', to);
    const limit = h('input', {
      type: 'number',
      name: 'limit',
      min: 1,
      max: 500,
      value: form.limit,
      'aria-label': 'limit',
      style: 'width:5rem',
    });
    const idBox = h('input', {
      type: 'search',
      name: 'trace-id',
      placeholder: 'trace id',
      'aria-label': 'trace id',
      style: 'width:19rem',
    });
    idBox.addEventListener('input', () => idBox.setCustomValidity(''));
    const read = (): SearchForm => ({
      service: service.value,
      operation: operation.value,
      lookback: lookback.value,
      from: from.value,
      to: to.value,
      limit: Number(limit.value) || 20,
    });
    service.addEventListener('change', () => go({ ...read(), operation: '' }));
    lookback.addEventListener('change', () => (custom.hidden = lookback.value !== 'custom'));
    const searchForm = h(
      'form',
      { class: 'toolbar', onsubmit: (ev: Event) => (ev.preventDefault(), go(read())) },
      service,
      operation,
      lookback,
      custom,
      h('label', null, 'limit ', limit),
      h('button', { type: 'submit' }, 'Search'),
      info?.links.logs
        ? h(
            'a',
            {
              href: vmuiUrl(info.links.logs, serviceLogsQuery(form.service), {
                lookback: form.lookback === 'custom' ? '1h' : form.lookback,
              }),
              target: '_blank',
              rel: 'noopener',
              class: 'vmui-link',
            },
            `${form.service} logs in VictoriaLogs ↗`,
          )
        : null,
    );
    const idForm = h(
      'form',
      {
        class: 'toolbar',
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          const id = idBox.value.trim().toLowerCase();
          if (isTraceId(id)) {
            location.hash = routeHref('traces', [id]);
          } else {
            idBox.setCustomValidity('a trace id is 16 or 32 hex digits');
            idBox.reportValidity();
          }
        },
      },
      idBox,
      h('button', { type: 'submit' }, 'Open trace'),
    );
    status.replaceWith(h('div', { class: 'trace-forms' }, searchForm, idForm));
    lastSearch = formParams(form).toString();

    const window = searchWindow(form, Date.now());
    if ('error' in window) return void results.replaceChildren(errorBox(window.error));
    results.replaceChildren(h('div', { class: 'muted' }, 'Searching…'));
    const found = await getJson<JaegerList<JaegerTrace>>(searchUrl(form, window), signal);
    const summaries = (found.data ?? []).map(summarize).sort((a, b) => b.startUs - a.startUs);
    const what = `${form.service}${form.operation ? ` · ${form.operation}` : ''}`;
    results.replaceChildren(
      h(
        'p',
        { class: 'muted' },
        `${summaries.length} trace${summaries.length === 1 ? '' : 's'} of ${what}, ${new Date(window.startMs).toLocaleString(undefined, { hour12: false })} – ${new Date(window.endMs).toLocaleString(undefined, { hour12: false })}`,
      ),
      jaegerErrors(found) ? errorBox(`Jaeger: ${jaegerErrors(found)}`) : '',
      summaries.length
        ? resultsTable(summaries)
        : h('p', { class: 'nodata' }, `No trace of ${what} in this time range.`),
    );
  })().catch((e: unknown) => {
    if (!signal.aborted) root.append(errorBox((e as Error).message));
  });
}

function renderTrace(root: HTMLElement, traceId: string, signal: AbortSignal): void {
  const back = h('a', { href: lastSearch ? `#/traces?${lastSearch}` : routeHref('traces') }, '← Search');
  const status = h('div', { class: 'muted' }, `Loading trace ${traceId} from Jaeger…`);
  root.append(h('div', { class: 'toolbar' }, back), status);
  void (async () => {
    const r = await fetchText(traceUrl(traceId), signal);
    // Jaeger answers 404 with its own JSON error for an id it does not hold.
    if (r.status === 404)
      return void status.replaceWith(
        errorBox(
          `Jaeger holds no trace ${traceId}: it may not have arrived yet, or its retention has passed (${failure(traceUrl(traceId), r.status, r.text).message})`,
        ),
      );
    if (r.status >= 400) throw failure(traceUrl(traceId), r.status, r.text);
    const answer = JSON.parse(r.text) as JaegerList<JaegerTrace>;
    const trace = answer.data?.[0];
    if (!trace)
      return void status.replaceWith(
        errorBox(
          `Jaeger holds no trace ${traceId}${jaegerErrors(answer) ? `: ${jaegerErrors(answer)}` : ''}`,
        ),
      );
    const w = toWaterfall(trace);
    const s = summarize(trace);
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
    const logsBox = h(
      'div',
      { class: 'trace-logs-box' },
      h('div', { class: 'muted' }, 'Loading the log lines…'),
    );
    let lines: ReturnType<typeof parseLogLines> = [];
    const waterfallBox = h(
      'div',
      null,
      renderWaterfall(w, (spanId) => lines.filter((l) => l.spanId === spanId)),
    );
    status.replaceWith(
      h(
        'div',
        { class: 'trace-head' },
        h('h1', null, `${s.rootService}: ${s.rootOperation}`),
        h(
          'div',
          { class: 'muted' },
          h('span', { class: 'mono' }, traceId),
          ` · started ${when(w.startUs)} · ${formatDuration(w.durationUs)} · ${s.spans} spans · ${w.services.join(', ')}`,
        ),
      ),
      waterfallBox,
      h('h2', null, 'Log lines of this trace ', vmui),
      logsBox,
    );
    try {
      lines = parseLogLines(await getText(traceLogsUrl(traceId, logWindow), signal));
    } catch (e) {
      if (signal.aborted) return;
      return void logsBox.replaceChildren(errorBox(`log lines: ${(e as Error).message}`));
    }
    logsBox.replaceChildren(
      lines.length
        ? renderLogLines(lines, w.startUs, (spanId) => revealSpan(waterfallBox, spanId))
        : h(
            'p',
            { class: 'nodata' },
            `No log line carries trace_id ${traceId} in VictoriaLogs (between ${new Date(logWindow.startMs).toISOString()} and ${new Date(logWindow.endMs).toISOString()}).`,
          ),
    );
    logsBox.dataset.lines = String(lines.length);
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
