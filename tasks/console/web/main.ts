// The console's shell: a navigation bar with a route per page (after `#`, so the server serves
// one index.html), and the page of the current route rendered into <main>.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { h } from './lib/dom.ts';
import { consoleInfo } from './lib/api.ts';
import { parseRoute, routeHref, type Page } from './lib/page.ts';
import { PAGES } from './pages/index.ts';

const main = document.getElementById('page')!;
const nav = document.getElementById('nav')!;
let stopPage: void | (() => void);

function show(): void {
  const route = parseRoute(location.hash);
  const page: Page = PAGES.find((p) => p.id === route.page) ?? PAGES[0]!;
  if (page.id !== route.page) {
    history.replaceState(null, '', routeHref(page.id));
    route.page = page.id;
  }
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.page === page.id);
  document.title = `${page.title} · Example-App console`;
  if (stopPage) stopPage();
  main.replaceChildren();
  main.dataset.page = page.id;
  stopPage = page.render(main, route);
}

nav.replaceChildren(...PAGES.map((p) => h('a', { href: routeHref(p.id), 'data-page': p.id }, p.title)));

// Links into the backends' own UIs (VictoriaLogs' vmui for logs): opened by the browser directly.
void consoleInfo().then((info) => {
  const links = document.getElementById('links')!;
  const names: Record<string, string> = { logs: 'Logs (vmui) ↗', prometheus: 'Prometheus ↗' };
  links.replaceChildren(
    ...Object.entries(names)
      .filter(([k]) => info.links[k])
      .map(([k, title]) => h('a', { href: info.links[k]!, target: '_blank', rel: 'noopener' }, title)),
  );
});

window.addEventListener('hashchange', show);
show();
