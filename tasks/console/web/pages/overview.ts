import { h } from '../lib/dom.ts';
import type { Page } from '../lib/page.ts';

export const overviewPage: Page = {
  id: 'overview',
  title: 'Overview',
  render(root) {
    root.append(h('h1', null, 'Overview'));
  },
};
