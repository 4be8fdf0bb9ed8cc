// The Traces search page's two forms: a search by service, operation and time range (its
// submit becomes the route, so a link reproduces it), and a box that opens a trace by its id.
import { h } from '../lib/dom.ts';
import { routeHref } from '../lib/page.ts';
import { LOOKBACKS, isTraceId, serviceLogsQuery, vmuiUrl, type SearchForm } from './queries.ts';

/** The search form: service, operation, time range, limit, and a link to the service's lines in vmui. */
export function searchForm(
  form: SearchForm,
  names: string[],
  operations: string[],
  logsUi: string | undefined,
  go: (f: SearchForm) => void,
): HTMLElement {
  const service = h(
    'select',
    { name: 'service', 'aria-label': 'service' },
    ...names.map((n) => h('option', { value: n, selected: n === form.service }, n)),
  );
  const operation = h(
    'select',
    { name: 'operation', 'aria-label': 'operation' },
    h('option', { value: '' }, 'all operations'),
    ...operations.sort().map((o) => h('option', { value: o, selected: o === form.operation }, o)),
  );
  const lookback = h(
    'select',
    { name: 'lookback', 'aria-label': 'time range' },
    ...LOOKBACKS.map(([v, t]) => h('option', { value: v, selected: v === form.lookback }, t)),
  );
  const from = h('input', { type: 'datetime-local', name: 'from', value: form.from ?? '', 'aria-label': 'from' });
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
  const lookbackForLogs = form.lookback === 'custom' ? '1h' : form.lookback;
  return h(
    'form',
    { class: 'toolbar', onsubmit: (ev: Event) => (ev.preventDefault(), go(read())) },
    service,
    operation,
    lookback,
    custom,
    h('label', null, 'limit ', limit),
    h('button', { type: 'submit' }, 'Search'),
    logsUi
      ? h(
          'a',
          {
            href: vmuiUrl(logsUi, serviceLogsQuery(form.service), { lookback: lookbackForLogs }),
            target: '_blank',
            rel: 'noopener',
            class: 'vmui-link',
          },
          `${form.service} logs in VictoriaLogs ↗`,
        )
      : null,
  );
}

/** A box to open a trace by its id; anything but 16 or 32 hex digits is refused on the box. */
export function traceIdForm(): HTMLElement {
  const idBox = h('input', {
    type: 'search',
    name: 'trace-id',
    placeholder: 'trace id',
    'aria-label': 'trace id',
    style: 'width:19rem',
  });
  idBox.addEventListener('input', () => idBox.setCustomValidity(''));
  return h(
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
}
