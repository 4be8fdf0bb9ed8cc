// Traces: search through Jaeger's query API (/api/jaeger/... on the console's server) and a
// trace as a waterfall with its log lines inline. (Issue 21, part B fills this page.)
import { h } from '../lib/dom.ts';
import type { Page } from '../lib/page.ts';

export const tracesPage: Page = {
  id: 'traces',
  title: 'Traces',
  render(root) {
    root.append(h('h1', null, 'Traces'), h('p', { class: 'muted' }, 'Trace search is not built yet.'));
  },
};
