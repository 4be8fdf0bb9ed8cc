// Dashboards: the committed Grafana dashboards (manifests/grafana/dashboards/, the very files
// Grafana loads on the Docker paths) drawn live from Prometheus, with their template variables,
// a time-range picker and auto-refresh. The state is in the route (#/dashboards/<uid>?from=…),
// so a link shows the same view.
import {
  defaultSelection,
  panelsOf,
  parseTime,
  parseVariableQuery,
  type GrafanaDashboard,
  type TemplateVariable,
} from '../../dashboards/model.ts';
import { getJson } from '../lib/api.ts';
import { errorBox, h } from '../lib/dom.ts';
import { routeHref, type Page, type Route } from '../lib/page.ts';
import { panelBox, renderPanel } from '../lib/panel.ts';
import { promGet } from '../lib/prom.ts';

interface DashboardEntry {
  file: string;
  uid: string;
  title: string;
}

export const RANGES = ['now-5m', 'now-15m', 'now-30m', 'now-1h', 'now-3h', 'now-6h', 'now-12h', 'now-24h', 'now-2d', 'now-7d'];
export const REFRESHES = ['off', '5s', '10s', '30s', '1m', '5m'];
const REFRESH_S: Record<string, number> = { '5s': 5, '10s': 10, '30s': 30, '1m': 60, '5m': 300 };

function select(
  values: string[],
  current: string,
  label: (v: string) => string,
  onChange: (v: string) => void,
  attrs: Record<string, string> = {},
): HTMLSelectElement {
  const s = h('select', { ...attrs, onchange: () => onChange(s.value) }, ...values.map((v) => h('option', { value: v }, label(v))));
  s.value = current;
  return s;
}

async function renderList(root: HTMLElement, signal: AbortSignal): Promise<void> {
  root.append(h('h1', null, 'Dashboards'));
  try {
    const list = await getJson<DashboardEntry[]>('/api/dashboards', signal);
    root.append(
      h('p', { class: 'muted' }, 'The dashboards Grafana loads on the k3d and compose targets (manifests/grafana/dashboards/), drawn here from Prometheus.'),
      h(
        'ul',
        { class: 'dashboards' },
        list.map((d) => h('li', null, h('a', { href: routeHref('dashboards', [d.uid]) }, d.title), h('span', { class: 'muted' }, `  ${d.file}`))),
      ),
    );
  } catch (e) {
    if (!signal.aborted) root.append(errorBox((e as Error).message));
  }
}

async function variableOptions(v: TemplateVariable, from: number, to: number, signal: AbortSignal): Promise<string[]> {
  const { label, match } = parseVariableQuery(v);
  const values = await promGet<string[]>(
    `label/${encodeURIComponent(label)}/values`,
    { start: String(Math.floor(from)), end: String(Math.ceil(to)), ...(match ? { 'match[]': match } : {}) },
    signal,
  );
  return values.sort();
}

type Go = (change: Record<string, string | string[]>) => void;

/** A select per template variable, its options from Prometheus over the range; what is selected (from the URL, else the default). */
async function variablesToolbar(
  variables: TemplateVariable[],
  params: URLSearchParams,
  range: { from: string; to: string },
  go: Go,
  signal: AbortSignal,
): Promise<{ toolbar: HTMLElement; selected: Record<string, string[]>; options: Record<string, string[]> }> {
  const selected: Record<string, string[]> = {};
  const options: Record<string, string[]> = {};
  const toolbar = h('div', { class: 'toolbar' });
  const nowS = () => Date.now() / 1000;
  for (const v of variables) {
    const fromUrl = params.getAll(`var-${v.name}`);
    selected[v.name] = fromUrl.length ? fromUrl : defaultSelection(v);
    let opts: string[] = [];
    try {
      opts = await variableOptions(v, parseTime(range.from, nowS()), parseTime(range.to, nowS()), signal);
    } catch (e) {
      toolbar.append(h('span', { class: 'error' }, `$${v.name}: ${(e as Error).message}`));
    }
    options[v.name] = opts;
    const choices = [...(v.includeAll ? ['$__all'] : []), ...opts];
    const s = h(
      'select',
      {
        multiple: v.multi ?? false,
        size: v.multi ? Math.min(4, choices.length) : undefined,
        'data-variable': v.name,
        onchange: () => go({ [`var-${v.name}`]: [...s.selectedOptions].map((o) => o.value) }),
      },
      ...choices.map((c) => h('option', { value: c }, c === '$__all' ? 'All' : c)),
    );
    for (const o of s.options) o.selected = selected[v.name]!.includes(o.value) || (o.value === '$__all' && selected[v.name]!.includes('All'));
    toolbar.append(h('label', null, `${v.label ?? v.name} `, s));
  }
  return { toolbar, selected, options };
}

async function renderDashboard(root: HTMLElement, route: Route, signal: AbortSignal): Promise<() => void> {
  const uid = route.rest[0]!;
  const list = await getJson<DashboardEntry[]>('/api/dashboards', signal);
  const entry = list.find((d) => d.uid === uid);
  if (!entry) {
    root.append(h('h1', null, 'Dashboards'), errorBox(`no dashboard with uid ${uid} under manifests/grafana/dashboards/`));
    return () => {};
  }
  const d = await getJson<GrafanaDashboard>(`/api/dashboards/${encodeURIComponent(entry.file)}`, signal);
  const params = route.params;
  const from = params.get('from') ?? d.time?.from ?? 'now-1h';
  const to = params.get('to') ?? d.time?.to ?? 'now';
  const refresh = params.get('refresh') ?? (d.refresh || 'off');
  const go: Go = (change) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(change)) {
      next.delete(k);
      for (const one of Array.isArray(v) ? v : [v]) next.append(k, one);
    }
    location.hash = routeHref('dashboards', [uid], next);
  };

  const variables = d.templating?.list ?? [];
  const { toolbar, selected, options } = await variablesToolbar(variables, params, { from, to }, go, signal);
  const nowS = () => Date.now() / 1000;
  toolbar.append(
    h('span', { style: 'flex: 1' }),
    select(RANGES.includes(from) ? RANGES : [from, ...RANGES], from, (r) => `Last ${r.slice(4)}`, (r) => go({ from: r, to: 'now' }), { 'aria-label': 'time range' }),
    select(REFRESHES.includes(refresh) ? REFRESHES : [refresh, ...REFRESHES], refresh, (r) => (r === 'off' ? 'Auto-refresh off' : `Every ${r}`), (r) => go({ refresh: r }), {
      'aria-label': 'auto-refresh',
    }),
    h('button', { onclick: () => draw() }, 'Refresh'),
  );
  const grid = h('div', { class: 'grid' });
  root.append(h('h1', null, d.title ?? uid, h('span', { class: 'muted' }, `  ${entry.file}`)), toolbar, grid);

  const panels = panelsOf(d).map((p) => ({ p, ...panelBox(p) }));
  grid.append(...panels.map((x) => x.el));
  let round: AbortController | undefined;
  const draw = () => {
    round?.abort();
    round = new AbortController();
    const s = AbortSignal.any([signal, round.signal]);
    const t = nowS();
    const range = { from: parseTime(from, t), to: parseTime(to, t) };
    grid.dataset.drawnAt = '';
    void Promise.all(panels.map(({ el, body, p }) => renderPanel(el, body, p, range, { variables, selected, options }, s))).then(() => {
      if (!s.aborted) grid.dataset.drawnAt = String(Date.now());
    });
  };
  draw();
  const every = REFRESH_S[refresh];
  const timer = every ? setInterval(draw, every * 1000) : undefined;
  return () => {
    clearInterval(timer);
    round?.abort();
  };
}

export const dashboardsPage: Page = {
  id: 'dashboards',
  title: 'Dashboards',
  render(root, route) {
    const ac = new AbortController();
    let stop: (() => void) | undefined;
    if (route.rest.length === 0) void renderList(root, ac.signal);
    else {
      renderDashboard(root, route, ac.signal)
        .then((s) => (stop = s))
        .catch((e: unknown) => {
          if (!ac.signal.aborted) root.append(errorBox((e as Error).message));
        });
    }
    return () => {
      ac.abort();
      stop?.();
    };
  },
};
