import { h } from '../lib/dom.ts';
import type { Page } from '../lib/page.ts';

export const explorePage: Page = {
  id: 'explore',
  title: 'Explore',
  render(root) {
    root.append(h('h1', null, 'Explore'));
  },
};
