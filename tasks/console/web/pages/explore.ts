// Explore: a PromQL box whose result is graphed over the chosen range, what Prometheus' own
// graph page gives (the module and Debian builds here serve no UI of their own). The expression
// is in the route, so a link reproduces the graph.
import { intervalS, parseTime } from '../../dashboards/model.ts';
import { errorBox, h } from '../lib/dom.ts';
import { drawChart } from '../lib/chart.ts';
import { routeHref, type Page } from '../lib/page.ts';
import { queryRange } from '../lib/prom.ts';
import { RANGES } from './dashboards.ts';

export const explorePage: Page = {
  id: 'explore',
  title: 'Explore',
  render(root, route) {
    const ac = new AbortController();
    const expr = route.params.get('q') ?? '';
    const from = route.params.get('from') ?? 'now-1h';
    const input = h('textarea', { rows: 2, class: 'promql', placeholder: 'PromQL, e.g. rate(http_requests_total[5m])', 'aria-label': 'PromQL expression' });
    input.value = expr;
    const range = h('select', { 'aria-label': 'time range' }, ...RANGES.map((r) => h('option', { value: r }, `Last ${r.slice(4)}`)));
    range.value = RANGES.includes(from) ? from : 'now-1h';
    const run = () => {
      const next = new URLSearchParams({ q: input.value.trim(), from: range.value });
      const href = routeHref('explore', [], next);
      // Same route again (Run pressed twice): draw anew, there is no hashchange.
      if (location.hash === href) draw();
      else location.hash = href;
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        run();
      }
    });
    const out = h('div', { class: 'explore-result', 'data-state': 'idle' });
    root.append(
      h('h1', null, 'Explore'),
      h('div', { class: 'toolbar' }, input, range, h('button', { onclick: run }, 'Run')),
      out,
    );
    const draw = () => {
      if (!expr) {
        out.replaceChildren(h('p', { class: 'muted' }, 'Type a PromQL expression and press Enter.'));
        return;
      }
      out.dataset.state = 'loading';
      const now = Date.now() / 1000;
      const start = parseTime(from, now);
      const step = intervalS(now - start, Math.max(200, out.clientWidth || 1000));
      queryRange(expr, { start, end: now, step }, undefined, ac.signal).then(
        (series) => {
          const points = series.reduce((n, s) => n + s.values.length, 0);
          out.dataset.points = String(points);
          if (points === 0) {
            out.dataset.state = 'nodata';
            out.replaceChildren(h('p', { class: 'muted' }, `No data: the expression returned no series over the last ${from.slice(4)}.`));
            return;
          }
          const chart = h('div', { class: 'chart' });
          out.replaceChildren(chart, h('p', { class: 'muted' }, `${series.length} series, ${points} points, step ${step} s`));
          drawChart(chart, series, { from: start, to: now, height: 380 });
          out.dataset.state = 'drawn';
        },
        (e: unknown) => {
          if (ac.signal.aborted) return;
          out.dataset.state = 'error';
          out.replaceChildren(errorBox((e as Error).message));
        },
      );
    };
    draw();
    return () => ac.abort();
  },
};
