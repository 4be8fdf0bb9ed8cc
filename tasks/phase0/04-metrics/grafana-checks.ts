// Grafana where the target runs one (k3d, compose): its health (0-4.ac2), the provisioned
// Prometheus datasource (0-4.ac7), the committed dashboards loaded (0-4.ac4) and, on Kubernetes,
// kube-prometheus-stack's default dashboards (0-4.ac3). Natively Grafana is unavailable and the
// console stands in for it (console-checks.ts).
import type { PlatformContext } from '../../context.ts';
import { isAvailable } from '../../targets/target.ts';
import { defineCheck, type DefinedCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { grafanaHeaders, http } from '../../../validation/lib/http.ts';
import { dashboardsDir, loadDashboards } from './dashboards.ts';

/** GET a Grafana API path as its admin (kube-prometheus-stack has no anonymous access); throws on a non-2xx. */
async function grafanaGet<T>(base: string, p: string, env: PlatformContext['env']): Promise<T> {
  const r = await http(new URL(p, base).href, { headers: grafanaHeaders(env), timeoutMs: 10_000 });
  if (r.status < 200 || r.status > 299) throw new Error(`GET ${p}: HTTP ${r.status}`);
  return JSON.parse(r.text) as T;
}

export const grafanaHealth = defineCheck(
  { id: '0-4.grafana-health', criteria: ['0-4.ac2'], title: 'Grafana answers /api/health', needs: 'grafana', proof: 'live' },
  async (g, ctx): Promise<Measurement> => {
    const h = await grafanaGet<{ database?: string; version?: string }>(g.url, '/api/health', ctx.env);
    return {
      ...(h.version !== undefined ? { measured: h.version } : {}),
      evidence: `${g.url}/api/health`,
      problems: h.database === 'ok' ? [] : [`database: ${h.database}`],
    };
  },
);

export const grafanaDatasource = defineCheck(
  {
    id: '0-4.grafana-datasource',
    criteria: ['0-4.ac7'],
    title: 'Grafana has the Prometheus datasource',
    needs: 'grafana',
    proof: 'live',
  },
  async (g, ctx): Promise<Measurement> => {
    const list = await grafanaGet<{ uid: string; type: string }[]>(g.url, '/api/datasources', ctx.env);
    const ok = list.some((d) => d.type === 'prometheus' && d.uid === 'prometheus');
    return {
      evidence: list.map((d) => `${d.type}:${d.uid}`).join(', '),
      problems: ok ? [] : ['no prometheus datasource with uid "prometheus"'],
    };
  },
);

export const grafanaDashboards = defineCheck(
  {
    id: '0-4.grafana-dashboards',
    criteria: ['0-4.ac4'],
    title: 'Grafana has the Example-App dashboards loaded',
    needs: 'grafana',
    proof: 'live',
  },
  async (g, ctx): Promise<Measurement> => {
    const found = await grafanaGet<{ uid: string; title: string }[]>(g.url, '/api/search?type=dash-db', ctx.env);
    const wanted = loadDashboards(dashboardsDir(ctx.paths.root)).map((d) => d.uid);
    const missing = wanted.filter((u) => !found.some((f) => f.uid === u));
    return {
      measured: found.length,
      unit: 'dashboards',
      evidence: found
        .map((f) => f.title)
        .join(', ')
        .slice(0, 600),
      problems: missing.length ? [`missing: ${missing.join(', ')}`] : [],
    };
  },
);

/** kube-prometheus-stack's default dashboards the seed names: cluster, nodes, pods. */
export const DEFAULT_K8S_DASHBOARDS: readonly [string, RegExp][] = [
  ['cluster', /^Kubernetes \/ Compute Resources \/ Cluster$/],
  ['nodes', /^(Node Exporter \/ Nodes|Kubernetes \/ Compute Resources \/ Node \(Pods\))$/],
  ['pods', /^Kubernetes \/ Compute Resources \/ Pod$/],
];

/** 0-4.ac3: found by title in the live Grafana. A target without Kubernetes says so before naming Grafana's absence. */
export const defaultDashboards = defineCheck(
  {
    id: '0-4.grafana-default-dashboards',
    criteria: ['0-4.ac3'],
    title: 'Grafana has the default Kubernetes dashboards (cluster, nodes, pods)',
    proof: 'live',
  },
  async (_, ctx): Promise<Measurement> => {
    if (ctx.target.components.cluster === undefined)
      return { skip: 'the target runs no Kubernetes; kube-prometheus-stack brings these dashboards on k3d' };
    const g = ctx.target.endpoints().grafana;
    if (!isAvailable(g)) return { skip: g.unavailable };
    const titles = (await grafanaGet<{ title: string }[]>(g.url, '/api/search?type=dash-db&limit=5000', ctx.env)).map(
      (d) => d.title,
    );
    const found = DEFAULT_K8S_DASHBOARDS.map(([what, re]) => [what, titles.find((t) => re.test(t))] as const);
    const missing = found.filter(([, t]) => !t).map(([what]) => what);
    return {
      measured: found.length - missing.length,
      threshold: `${DEFAULT_K8S_DASHBOARDS.length}`,
      unit: 'default dashboards',
      evidence: found.map(([what, t]) => `${what}: ${t ?? 'none'}`).join('; '),
      problems: missing.length ? [`no default dashboard for: ${missing.join(', ')}`] : [],
    };
  },
);

export const grafanaChecks: readonly DefinedCheck[] = [grafanaHealth, grafanaDatasource, grafanaDashboards, defaultDashboards];
