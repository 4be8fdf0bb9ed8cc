import { h } from '../lib/dom.ts';
import type { Page } from '../lib/page.ts';

export const reportPage: Page = {
  id: 'report',
  title: 'Report',
  render(root) {
    root.append(h('h1', null, 'Report'));
  },
};
