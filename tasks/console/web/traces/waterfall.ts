// One trace drawn for a person: a waterfall of its spans across services (indent = parent,
// bar = when and how long, dots = events), a span's attributes, resource and events on click, and
// the log lines the trace wrote, each linked to its span. Plain DOM through h(); a trace of a few
// hundred spans is a few thousand elements, which the browser lays out in milliseconds.
import { h, headings } from '../lib/dom.ts';
import { formatDuration, serviceColour, ticks, type Waterfall, type WaterfallRow } from './model.ts';
import type { LogLine } from './queries.ts';

const pct = (part: number, whole: number) => `${whole > 0 ? (100 * part) / whole : 0}%`;

function kvTable(title: string, rows: [string, string][]): HTMLElement | null {
  if (!rows.length) return null;
  return h(
    'div',
    { class: 'kv' },
    h('h4', null, title),
    h('table', null, ...rows.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v)))),
  );
}

function spanDetail(row: WaterfallRow, lines: LogLine[]): HTMLElement {
  const events = row.events.map((e) =>
    h(
      'tr',
      null,
      h('td', { class: 'num' }, `+${formatDuration(e.offsetUs - row.offsetUs)}`),
      h('td', null, e.name),
      h('td', { class: 'muted' }, e.attributes.map(([k, v]) => `${k}=${v}`).join('  ')),
    ),
  );
  return h(
    'div',
    { class: 'span-detail', 'data-detail-of': row.spanId },
    h(
      'div',
      { class: 'muted' },
      `${row.service} · ${row.operation} · ${row.kind} · span ${row.spanId}`,
      row.parentId ? ` · parent ${row.parentId}` : '',
      ` · starts +${formatDuration(row.offsetUs)} · ${formatDuration(row.durationUs)}`,
    ),
    kvTable('Attributes', row.attributes),
    events.length
      ? h('div', { class: 'kv' }, h('h4', null, `Events (${events.length})`), h('table', null, ...events))
      : null,
    kvTable('Resource', row.resource),
    lines.length
      ? h(
          'div',
          { class: 'kv' },
          h('h4', null, `Log lines of this span (${lines.length})`),
          h(
            'table',
            null,
            ...lines.map((l) => h('tr', null, h('td', null, l.level), h('td', null, l.message))),
          ),
        )
      : null,
    row.warnings.length ? h('div', { class: 'muted' }, `Jaeger: ${row.warnings.join('; ')}`) : null,
  );
}

/** One span's row: name indented by depth, its bar, events and duration; a click opens its detail. */
function spanRow(
  row: Waterfall['rows'][number],
  w: Waterfall,
  total: number,
  linesOf: (spanId: string) => LogLine[],
): HTMLElement {
  const colour = serviceColour(row.service, w.services);
  const el = h(
    'div',
    {
      class: `wf-row wf-span${row.error ? ' wf-error' : ''}`,
      'data-span-id': row.spanId,
      'data-parent-id': row.parentId,
      'data-service': row.service,
      'data-operation': row.operation,
      'data-kind': row.kind,
      tabindex: 0,
      title: `${row.service}: ${row.operation} (${formatDuration(row.durationUs)})`,
    },
    h(
      'div',
      { class: 'wf-name', style: `padding-left:${0.4 + row.depth * 1.1}rem` },
      h('span', { class: 'wf-chip', style: `background:${colour}` }),
      h('span', { class: 'wf-service' }, row.service),
      h('span', { class: 'wf-op' }, row.operation),
      row.kind !== 'internal' ? h('span', { class: 'wf-kind' }, row.kind) : null,
    ),
    h(
      'div',
      { class: 'wf-time' },
      h('div', {
        class: 'wf-bar',
        style: `left:${pct(row.offsetUs, total)};width:max(2px,${pct(row.durationUs, total)});background:${colour}`,
      }),
      ...row.events.map((e) =>
        h('span', { class: 'wf-event', style: `left:${pct(e.offsetUs, total)}`, title: e.name }),
      ),
      h(
        'span',
        {
          class: 'wf-label',
          style:
            row.offsetUs / total > 0.7
              ? `right:${pct(total - row.offsetUs, total)};margin-right:4px`
              : `left:calc(${pct(row.offsetUs + row.durationUs, total)} + 4px)`,
        },
        formatDuration(row.durationUs),
      ),
    ),
  );
  const toggle = () => {
    const open = el.nextElementSibling?.classList.contains('span-detail');
    if (open) el.nextElementSibling!.remove();
    else el.after(spanDetail(row, linesOf(row.spanId)));
    el.classList.toggle('open', !open);
  };
  el.addEventListener('click', toggle);
  el.addEventListener('keydown', (ev) => {
    if ((ev as KeyboardEvent).key === 'Enter') toggle();
  });
  return el;
}

/**
 * The waterfall. `linesOf` gives a span's log lines when its detail opens: the lines come from
 * another store and arrive later, and the waterfall is not redrawn for them.
 */
export function renderWaterfall(
  w: Waterfall,
  linesOf: (spanId: string) => LogLine[] = () => [],
): HTMLElement {
  const t0 = performance.now();
  const total = Math.max(w.durationUs, 1);
  const axis = h(
    'div',
    { class: 'wf-row wf-axis' },
    h(
      'div',
      { class: 'wf-name' },
      `${w.rows.length} spans · ${w.services.length} service${w.services.length === 1 ? '' : 's'}`,
    ),
    h(
      'div',
      { class: 'wf-time' },
      ...ticks(total).map((t) =>
        h('span', { class: 'wf-tick', style: `left:${pct(t, total)}` }, formatDuration(t)),
      ),
    ),
  );
  const body = h('div', { class: 'wf-body' });
  for (const row of w.rows) body.append(spanRow(row, w, total, linesOf));
  const out = h('div', { class: 'waterfall', 'data-trace-id': w.traceId }, axis, body);
  // The bench (bench/console.ts) reads how long building the waterfall took.
  out.dataset.buildMs = (performance.now() - t0).toFixed(2);
  return out;
}

/** Opens the span's detail and brings it into view (a log line's span link). */
export function revealSpan(root: HTMLElement, spanId: string): void {
  const row = root.querySelector<HTMLElement>(`.wf-span[data-span-id="${CSS.escape(spanId)}"]`);
  if (!row) return;
  if (!row.classList.contains('open')) row.click();
  row.scrollIntoView({ block: 'center' });
  row.classList.add('flash');
  setTimeout(() => row.classList.remove('flash'), 1200);
}

/** The trace's log lines as a table; a line's span id opens that span in the waterfall. */
export function renderLogLines(
  lines: LogLine[],
  traceStartUs: number,
  onSpan: (spanId: string) => void,
): HTMLElement {
  return h(
    'table',
    { class: 'trace-logs' },
    headings('time', 'level', 'service', 'span', 'message'),
    ...lines.map((l) => {
      const ms = Date.parse(l.time);
      // VictoriaLogs trims trailing zeros (`46.92Z`): shown as one fixed-width UTC time.
      const at = Number.isNaN(ms) ? l.time : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
      const offset = Number.isNaN(ms) ? '' : ` (+${formatDuration(Math.max(0, ms * 1000 - traceStartUs))})`;
      return h(
        'tr',
        { 'data-span-id': l.spanId, class: 'log-line' },
        h('td', { class: 'num' }, `${at}${offset}`),
        h('td', { class: `level-${l.level.toLowerCase()}` }, l.level),
        h('td', { class: 'num' }, l.service),
        h(
          'td',
          null,
          l.spanId
            ? h(
                'a',
                { href: '#', onclick: (ev: Event) => (ev.preventDefault(), onSpan(l.spanId)) },
                l.spanId.slice(0, 8),
              )
            : '',
        ),
        h(
          'td',
          null,
          h('span', { class: 'log-msg' }, l.message),
          ' ',
          h('span', { class: 'muted' }, l.fields.map(([k, v]) => `${k}=${v}`).join('  ')),
        ),
      );
    }),
  );
}
