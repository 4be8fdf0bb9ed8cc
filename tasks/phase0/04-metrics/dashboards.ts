// The Grafana dashboards (manifests/grafana/dashboards/*.json): loading, an ajv schema for the
// parts the platform relies on (uid, title, panels, each panel's datasource and PromQL targets),
// and the list of every PromQL query with where it came from (a logs panel's Loki query is not
// PromQL: Grafana sends it to Loki, the console to VictoriaLogs; 0-5.logs-beside-metrics reads it).
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';

export const DASHBOARD_SCHEMA = {
  type: 'object',
  required: ['uid', 'title', 'panels'],
  properties: {
    uid: { type: 'string', pattern: '^[a-z0-9-]{1,40}$' },
    title: { type: 'string', minLength: 1 },
    panels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['id', 'title', 'type', 'datasource', 'targets', 'gridPos'],
        properties: {
          id: { type: 'integer' },
          title: { type: 'string', minLength: 1 },
          type: { enum: ['timeseries', 'stat', 'gauge', 'table', 'bargauge', 'logs'] },
          datasource: { $ref: '#/$defs/datasource' },
          gridPos: { type: 'object', required: ['h', 'w', 'x', 'y'] },
          targets: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['refId', 'expr', 'datasource'],
              properties: {
                refId: { type: 'string', minLength: 1 },
                expr: { type: 'string', minLength: 1 },
                datasource: { $ref: '#/$defs/datasource' },
              },
            },
          },
        },
      },
    },
  },
  $defs: {
    // Every panel names a provisioned datasource by uid (manifests/grafana/datasources):
    // Prometheus, or Loki for a logs panel.
    datasource: {
      type: 'object',
      required: ['type', 'uid'],
      oneOf: [
        { properties: { type: { const: 'prometheus' }, uid: { const: 'prometheus' } } },
        { properties: { type: { const: 'loki' }, uid: { const: 'loki' } } },
      ],
    },
  },
} as const;

export interface Dashboard {
  file: string;
  uid: string;
  title: string;
  panels: {
    id: number;
    title: string;
    datasource: { type: string; uid: string };
    targets: { refId: string; expr: string }[];
  }[];
}

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

export const dashboardsDir = (root: string) => path.join(root, 'manifests', 'grafana', 'dashboards');

const validate = new Ajv({ allErrors: true }).compile(DASHBOARD_SCHEMA);

/** Validates one parsed dashboard; returns the error lines (empty when valid). */
export function dashboardErrors(json: unknown): string[] {
  if (validate(json)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

/** Loads every dashboard; throws one line naming the file and the first schema error. */
export function loadDashboards(dir: string): Dashboard[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const out: Dashboard[] = [];
  const uids = new Set<string>();
  for (const f of files) {
    const file = path.join(dir, f);
    const json: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const errs = dashboardErrors(json);
    if (errs.length > 0) throw new Error(`${file}: not a valid dashboard: ${errs.slice(0, 3).join('; ')}`);
    const d = json as Omit<Dashboard, 'file'>;
    if (uids.has(d.uid)) throw new Error(`${file}: duplicate dashboard uid ${d.uid}`);
    uids.add(d.uid);
    out.push({ ...d, file });
  }
  return out;
}

export function dashboardQueries(dashboards: readonly Dashboard[]): DashboardQuery[] {
  return dashboards.flatMap((d) =>
    d.panels
      .filter((p) => p.datasource.type === 'prometheus')
      .flatMap((p) =>
      p.targets.map((t) => ({ dashboard: d.title, panel: p.title, refId: t.refId, expr: t.expr })),
    ),
  );
}
