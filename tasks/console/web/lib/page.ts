// A page renders into the main element for a route and returns what stops its timers.
export interface Route {
  page: string;
  /** Path segments after the page: `#/dashboards/<uid>` → [uid]. */
  rest: string[];
  params: URLSearchParams;
}

export interface Page {
  id: string;
  title: string;
  render(root: HTMLElement, route: Route): void | (() => void);
}

export function parseRoute(hash: string): Route {
  const [p = '', q = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page = '', ...rest] = p.split('/').filter(Boolean).map(decodeURIComponent);
  return { page, rest, params: new URLSearchParams(q) };
}

export function routeHref(page: string, rest: string[] = [], params?: URLSearchParams): string {
  const q = params && [...params].length ? `?${params}` : '';
  return `#/${[page, ...rest].map(encodeURIComponent).join('/')}${q}`;
}
