// One dashboard panel: its queries against Prometheus, drawn as a time series or a stat (a logs
// panel asks VictoriaLogs: logs-panel.ts). What
// cannot be drawn says why on the panel itself (unsupported type, broken PromQL, Prometheus down),
// and only that panel fails. data-state on the panel (loading, drawn, nodata, error) and
// data-points say what it shows, for the browser tests and the verify checks.
import {
  formatValue,
  intervalS,
  panelProblem,
  panelQueries,
  reduce,
  thresholdColor,
  thresholdsOf,
  type GrafanaPanel,
  type QueryContext,
} from '../../dashboards/model.ts';
import { h } from './dom.ts';
import { drawChart } from './chart.ts';
import { drawLogs } from './logs-panel.ts';
import { queryRange, type Series } from './prom.ts';

export interface PanelRange {
  from: number;
  to: number;
}

export function panelBox(p: GrafanaPanel): { el: HTMLElement; body: HTMLElement } {
  const g = p.gridPos ?? { x: 0, y: 0, w: 12, h: 8 };
  const body = h('div', { class: 'body' });
  const el = h(
    'section',
    {
      class: 'panel',
      'data-panel-id': p.id ?? '',
      'data-panel-type': p.type,
      'data-state': 'loading',
      style: `grid-column: ${g.x + 1} / span ${g.w}; grid-row: ${g.y + 1} / span ${g.h}`,
    },
    h('div', { class: 'title', title: p.title ?? '' }, p.title ?? ''),
    body,
  );
  return { el, body };
}

function settle(el: HTMLElement, state: 'drawn' | 'nodata' | 'error', points = 0, reason?: string): void {
  el.dataset.state = state;
  el.dataset.points = String(points);
  if (reason) el.dataset.reason = reason;
}

export async function renderPanel(
  el: HTMLElement,
  body: HTMLElement,
  p: GrafanaPanel,
  range: PanelRange,
  vars: Omit<QueryContext, 'rangeS' | 'intervalS'>,
  signal: AbortSignal,
): Promise<void> {
  const problem = panelProblem(p);
  if (problem) {
    body.replaceChildren(h('div', { class: 'error' }, problem));
    return settle(el, 'error', 0, problem);
  }
  const rangeS = range.to - range.from;
  if (p.type === 'logs') {
    const out = await drawLogs(body, p, range, { ...vars, rangeS, intervalS: intervalS(rangeS, 1000) }, signal);
    if (!signal.aborted) settle(el, out.state, out.points, out.reason);
    return;
  }
  const width = Math.max(100, body.clientWidth || 400);
  const step = intervalS(rangeS, p.maxDataPoints ?? width);
  const queries = panelQueries(p, { ...vars, rangeS, intervalS: step });
  let series: Series[];
  try {
    const answers = await Promise.all(
      queries.map((q) => queryRange(q.expr, { start: range.from, end: range.to, step }, q.legendFormat, signal)),
    );
    series = answers.flat();
  } catch (e) {
    if (signal.aborted) return;
    const msg = (e as Error).message;
    // Prometheus' own words for a bad expression (bad_data: parse error …); a backend error already names it.
    const reason = /not answering|not available|console's server/.test(msg) ? msg : `query failed: ${msg}`;
    body.replaceChildren(h('div', { class: 'error' }, reason));
    return settle(el, 'error', 0, reason);
  }
  const points = series.reduce((n, s) => n + s.values.filter(([, v]) => v !== null).length, 0);
  const unit = p.fieldConfig?.defaults?.unit;
  const decimals = p.fieldConfig?.defaults?.decimals;
  if (points === 0) {
    body.replaceChildren(h('div', { class: 'nodata' }, 'No data'));
    return settle(el, 'nodata', 0, `no series for ${queries.map((q) => q.expr).join('; ')}`);
  }
  body.replaceChildren();
  if (p.type === 'stat') {
    const calc = p.options?.reduceOptions?.calcs?.[0];
    const steps = thresholdsOf(p);
    body.append(
      ...series.map((s) => {
        const v = reduce(
          s.values.map(([, x]) => x),
          calc,
        );
        return h(
          'div',
          { class: 'stat', style: `color: ${thresholdColor(v, steps)}`, title: s.name, 'data-value': v ?? '' },
          formatValue(v, unit, decimals),
        );
      }),
    );
  } else {
    drawChart(body, series, { unit, decimals, from: range.from, to: range.to });
  }
  settle(el, 'drawn', points);
}
