import { h } from '../lib/dom.ts';
import type { Page } from '../lib/page.ts';

export const dashboardsPage: Page = {
  id: 'dashboards',
  title: 'Dashboards',
  render(root) {
    root.append(h('h1', null, 'Dashboards'));
  },
};
