// Overview: the task graph with each node's last `up` and `verify` outcome and reason, the
// processes (the data of `status`, asked of the orchestrator itself), the alerts Prometheus
// holds, and links. Refreshed every few seconds while it is shown.
import { getJson, consoleInfo } from '../lib/api.ts';
import { errorBox, h, headings } from '../lib/dom.ts';
import { ago, duration, mib } from '../lib/format.ts';
import type { Page } from '../lib/page.ts';
import { promGet } from '../lib/prom.ts';
// The rows `status --json` sends are the targets' own (type only: nothing of it enters the bundle).
import type { ProcessRow } from '../../../targets/target.ts';

interface GraphNode {
  id: string;
  name: string;
  title: string;
  needs: string[];
}

interface NodeStatus {
  id: string;
  name: string;
  state?: string;
  reason?: string;
  endedAt?: number;
  verifiedAt?: number;
  verifyState?: string;
}

interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  value?: string;
}

// Each refresh runs `tasks.ts status` (~0.4 s of CPU): often enough to follow an `up`, no more.
const REFRESH_MS = 10_000;

/** Columns by depth: a node sits one column right of the deepest node it needs. */
export function layers(nodes: GraphNode[]): GraphNode[][] {
  const depth = new Map<string, number>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const d = (id: string, seen: Set<string>): number => {
    if (depth.has(id)) return depth.get(id)!;
    if (seen.has(id)) return 0;
    seen.add(id);
    const n = byId.get(id);
    const v = n && n.needs.length ? 1 + Math.max(...n.needs.map((x) => d(x, seen))) : 0;
    depth.set(id, v);
    return v;
  };
  const cols: GraphNode[][] = [];
  for (const n of nodes) (cols[d(n.id, new Set())] ??= []).push(n);
  return cols.filter(Boolean);
}

/** The needs worth drawing: a need another need already leads to is implied, and left out. */
export function directNeeds(nodes: GraphNode[]): Map<string, string[]> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const reach = new Map<string, Set<string>>();
  const reachable = (id: string): Set<string> => {
    const known = reach.get(id);
    if (known) return known;
    const out = new Set<string>();
    reach.set(id, out);
    for (const m of byId.get(id)?.needs ?? []) {
      out.add(m);
      for (const x of reachable(m)) out.add(x);
    }
    return out;
  };
  return new Map(
    nodes.map((n) => [n.id, n.needs.filter((m) => !n.needs.some((k) => k !== m && reachable(k).has(m)))]),
  );
}

const stateClass = (s: string | undefined) => `state-${(s ?? 'never').replace(/\s+/g, '-')}`;

function graphView(graph: GraphNode[], status: Map<string, NodeStatus>): { el: HTMLElement; drawEdges: () => void } {
  const wrap = h('div', { class: 'taskgraph' });
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const boxes = new Map<string, HTMLElement>();
  const cols = layers(graph).map((col) =>
    h(
      'div',
      { class: 'col' },
      col.map((n) => {
        const s = status.get(n.id);
        const box = h(
          'div',
          {
            class: `node ${stateClass(s?.verifyState === 'failed' ? 'failed' : s?.state)}`,
            'data-node': n.id,
            title: s?.reason ?? n.title,
          },
          h('div', { class: 'id' }, `${n.id} ${n.name}`),
          h('div', null, 'up: ', h('span', { class: stateClass(s?.state) }, s?.state ?? 'never run'), ` ${s?.endedAt ? ago(s.endedAt) : ''}`),
          h('div', null, 'verify: ', h('span', { class: stateClass(s?.verifyState) }, s?.verifyState ?? '–'), ` ${s?.verifiedAt ? ago(s.verifiedAt) : ''}`),
        );
        boxes.set(n.id, box);
        return box;
      }),
    ),
  );
  wrap.append(svg, ...cols);
  // Edges once the boxes have their places in the document.
  const drawEdges = () => {
    const base = wrap.getBoundingClientRect();
    svg.setAttribute('width', String(wrap.scrollWidth));
    svg.setAttribute('height', String(wrap.scrollHeight));
    const direct = directNeeds(graph);
    for (const n of graph) {
      const to = boxes.get(n.id)?.getBoundingClientRect();
      for (const need of direct.get(n.id) ?? []) {
        const from = boxes.get(need)?.getBoundingClientRect();
        if (!from || !to) continue;
        const x1 = from.right - base.left;
        const y1 = from.top + from.height / 2 - base.top;
        const x2 = to.left - base.left;
        const y2 = to.top + to.height / 2 - base.top;
        const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
        const mx = (x1 + x2) / 2;
        path.setAttribute('d', `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`);
        svg.append(path);
      }
    }
  };
  return { el: wrap, drawEdges };
}

function nodesTable(graph: GraphNode[], status: Map<string, NodeStatus>): HTMLElement {
  return h(
    'table',
    { class: 'nodes' },
    headings('ID', 'Name', 'Last up', 'When', 'Last verify', 'Reason'),
    graph.map((n) => {
      const s = status.get(n.id);
      return h(
        'tr',
        { 'data-node': n.id },
        h('td', null, n.id),
        h('td', null, n.title),
        h('td', { class: stateClass(s?.state) }, s?.state ?? 'never run'),
        h('td', null, ago(s?.endedAt)),
        h('td', { class: stateClass(s?.verifyState) }, s?.verifyState ?? '–'),
        h('td', { class: 'reason' }, s?.reason ?? ''),
      );
    }),
  );
}

function processTable(rows: ProcessRow[]): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, 'The target reports no processes yet: run make up.');
  return h(
    'table',
    { class: 'processes' },
    headings('Name', 'State', 'PID', 'Port', 'Uptime', 'RSS', 'Data', 'Detail'),
    rows.map((p) =>
      h(
        'tr',
        { 'data-process': p.name },
        h('td', null, p.name),
        h('td', { class: stateClass(p.state) }, p.state),
        h('td', null, p.pid ?? '–'),
        h('td', null, p.port ?? '–'),
        h('td', null, duration(p.uptimeMs)),
        h('td', null, mib(p.rssBytes)),
        h('td', null, mib(p.dataBytes)),
        h('td', { class: 'muted' }, p.detail ?? ''),
      ),
    ),
  );
}

function alertsView(alerts: Alert[]): HTMLElement {
  const shown = alerts.filter((a) => a.state === 'firing' || a.state === 'pending');
  if (shown.length === 0) return h('p', { class: 'state-pass', 'data-alerts': '0' }, 'No alert is firing or pending.');
  return h(
    'table',
    { class: 'alerts', 'data-alerts': shown.length },
    headings('Alert', 'State', 'Since', 'Labels', 'Summary'),
    shown.map((a) =>
      h(
        'tr',
        null,
        h('td', null, a.labels.alertname ?? ''),
        h('td', { class: stateClass(a.state) }, a.state),
        h('td', null, a.activeAt ? ago(Date.parse(a.activeAt)) : '–'),
        h('td', { class: 'muted' }, Object.entries(a.labels).filter(([k]) => k !== 'alertname').map(([k, v]) => `${k}=${v}`).join(' ')),
        h('td', null, a.annotations.summary ?? a.annotations.description ?? ''),
      ),
    ),
  );
}

async function section(title: string, build: () => Promise<HTMLElement>): Promise<HTMLElement[]> {
  try {
    return [h('h2', null, title), await build()];
  } catch (e) {
    return [h('h2', null, title), errorBox((e as Error).message)];
  }
}

async function linksView(): Promise<HTMLElement> {
  const info = await consoleInfo();
  const items: [string, string][] = [
    ['Dashboards', '#/dashboards'],
    ['Traces', '#/traces'],
    ['Explore (PromQL)', '#/explore'],
    ['Validation report', '#/report'],
  ];
  if (info.links.logs) items.push(['Logs: VictoriaLogs UI (vmui)', info.links.logs]);
  if (info.links.prometheus) items.push(['Prometheus API', `${info.links.prometheus}/api/v1/targets`]);
  return h(
    'ul',
    { class: 'links' },
    items.map(([t, href]) => h('li', null, h('a', { href, ...(href.startsWith('#') ? {} : { target: '_blank', rel: 'noopener' }) }, t))),
  );
}

async function draw(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const [graph, status] = await Promise.all([
    getJson<{ nodes: GraphNode[] }>('/api/platform/graph', signal),
    getJson<{ target: string; processes: ProcessRow[]; nodes: NodeStatus[] }>('/api/platform/status', signal),
  ]).then(
    (r) => r,
    (e: unknown) => {
      if (!signal.aborted) root.replaceChildren(h('h1', null, 'Overview'), errorBox((e as Error).message));
      return [undefined, undefined] as const;
    },
  );
  if (!graph || !status || signal.aborted) return;
  const byId = new Map(status.nodes.map((n) => [n.id, n]));
  const taskGraph = graphView(graph.nodes, byId);
  const parts = [
    h('h1', null, 'Overview ', h('span', { class: 'muted' }, `target ${status.target}`)),
    ...(await section('Task graph', async () => h('div', null, taskGraph.el, nodesTable(graph.nodes, byId)))),
    ...(await section('Processes', async () => processTable(status.processes))),
    ...(await section('Alerts (Prometheus)', async () => alertsView((await promGet<{ alerts: Alert[] }>('alerts', {}, signal)).alerts))),
    ...(await section('Links', linksView)),
  ];
  if (signal.aborted) return;
  root.replaceChildren(...parts);
  taskGraph.drawEdges();
}

export const overviewPage: Page = {
  id: 'overview',
  title: 'Overview',
  render(root) {
    const ac = new AbortController();
    root.append(h('h1', null, 'Overview'), h('p', { class: 'muted' }, 'Asking the platform…'));
    void draw(root, ac.signal);
    const timer = setInterval(() => void draw(root, ac.signal), REFRESH_MS);
    return () => {
      clearInterval(timer);
      ac.abort();
    };
  },
};
