// Grafana dashboard JSON → what the console asks Prometheus and how it shows the answer. The
// files are the ones Grafana provisions on the Docker paths (manifests/grafana/dashboards/), read
// as they are: panel types timeseries and stat, units, decimals, thresholds, template variables
// and Grafana's query macros. Pure functions, shared by the browser code, the server-side check
// (tasks/phase0/04-metrics/console-checks.ts) and the unit tests.

import { logsqlOf } from './logs-query.ts';

export interface ThresholdStep {
  color: string;
  value: number | null;
}

export interface GrafanaTarget {
  expr?: string;
  legendFormat?: string;
  refId?: string;
  hide?: boolean;
  instant?: boolean;
}

export interface GrafanaPanel {
  id?: number;
  type: string;
  title?: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: GrafanaTarget[];
  interval?: string;
  maxDataPoints?: number;
  fieldConfig?: {
    defaults?: {
      unit?: string;
      decimals?: number;
      min?: number;
      max?: number;
      thresholds?: { mode?: string; steps?: ThresholdStep[] };
    };
  };
  options?: { reduceOptions?: { calcs?: string[] } };
  /** A collapsed row keeps its panels here. */
  panels?: GrafanaPanel[];
}

export interface TemplateVariable {
  name: string;
  label?: string;
  type: string;
  query?: string | { query?: string };
  definition?: string;
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string;
  current?: { text?: string | string[]; value?: string | string[] };
  options?: { text: string; value: string }[];
}

export interface GrafanaDashboard {
  uid?: string;
  title?: string;
  time?: { from: string; to: string };
  refresh?: string | false;
  templating?: { list?: TemplateVariable[] };
  panels?: GrafanaPanel[];
}

/** The panel types the console draws; any other is shown as such on its panel. */
export const SUPPORTED_PANEL_TYPES = ['timeseries', 'stat', 'logs'] as const;

/** Grafana's Prometheus datasource default scrape interval ("timeInterval"), also the project's. */
export const DEFAULT_SCRAPE_S = 15;

/** Grafana's default thresholds, used when a panel sets none (what Grafana itself colours with). */
export const DEFAULT_THRESHOLDS: ThresholdStep[] = [
  { color: 'green', value: null },
  { color: 'red', value: 80 },
];

/** Every panel, rows' nested panels included, in reading order; row panels themselves are layout only. */
export function panelsOf(d: GrafanaDashboard): GrafanaPanel[] {
  const out: GrafanaPanel[] = [];
  for (const p of d.panels ?? []) {
    if (p.type === 'row') out.push(...(p.panels ?? []));
    else out.push(p);
  }
  return out;
}

/** Why a panel cannot be drawn, or undefined when it can. */
export function panelProblem(p: GrafanaPanel): string | undefined {
  if (!(SUPPORTED_PANEL_TYPES as readonly string[]).includes(p.type)) {
    return `panel type "${p.type}" is not supported by the console (it draws ${SUPPORTED_PANEL_TYPES.join(' and ')})`;
  }
  if (!p.targets?.some((t) => !t.hide && t.expr?.trim())) return 'the panel has no query';
  if (p.type === 'logs') {
    for (const t of p.targets.filter((x) => !x.hide && x.expr?.trim())) {
      try {
        logsqlOf(t.expr!);
      } catch (e) {
        return (e as Error).message;
      }
    }
  }
  return undefined;
}

// ---- time ----------------------------------------------------------------------------------

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** `15s`, `1m`, `2h30m` → seconds; undefined when it is not a duration. */
export function durationS(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== text) return undefined;
  return parts.reduce((s, m) => s + (m[2] === 'ms' ? Number(m[1]) / 1000 : Number(m[1]) * UNIT_S[m[2]!]!), 0);
}

/** Grafana's time expression (`now`, `now-1h`, or epoch ms) → epoch seconds. */
export function parseTime(text: string, nowS: number): number {
  if (text === 'now') return nowS;
  const m = /^now-(.+)$/.exec(text);
  if (m) {
    const d = durationS(m[1]!);
    if (d === undefined) throw new Error(`time "${text}" is not understood`);
    return nowS - d;
  }
  if (/^\d+$/.test(text)) return Number(text) / 1000;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`time "${text}" is not understood`);
  return t / 1000;
}

const NICE_S = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** `$__interval`: the range over the points the panel has room for, rounded to a nice step, never below the scrape interval. */
export function intervalS(rangeS: number, maxDataPoints: number, minS = DEFAULT_SCRAPE_S): number {
  const raw = rangeS / Math.max(1, maxDataPoints);
  const nice = NICE_S.find((n) => n >= raw) ?? Math.ceil(raw / 86400) * 86400;
  return Math.max(nice, minS);
}

/** Seconds as Prometheus reads a duration: whole units where they divide (`1m`, `90s`). */
export function promDuration(s: number): string {
  const r = Math.round(s);
  if (r >= 3600 && r % 3600 === 0) return `${r / 3600}h`;
  if (r >= 60 && r % 60 === 0) return `${r / 60}m`;
  return `${Math.max(1, r)}s`;
}

// ---- variables and macros ------------------------------------------------------------------

export interface QueryContext {
  /** Range of the dashboard in seconds. */
  rangeS: number;
  /** `$__interval` in seconds (intervalS). */
  intervalS: number;
  scrapeS?: number;
  /** Selected values per variable name; `$__all` for All. */
  selected?: Record<string, string[]>;
  variables?: TemplateVariable[];
  /** The options a variable offers (for All without an allValue). */
  options?: Record<string, string[]>;
}

const regexEscape = (s: string) => s.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/** What Grafana's Prometheus datasource puts in place of a variable (a regex for multi/All ones). */
export function variableValue(v: TemplateVariable, selected: string[], options: string[]): string {
  const all = selected.length === 0 || selected.includes('$__all') || selected.includes('All');
  if (v.includeAll && all) {
    if (v.allValue !== undefined && v.allValue !== '') return v.allValue;
    return options.length === 1 ? regexEscape(options[0]!) : `(${options.map(regexEscape).join('|')})`;
  }
  if (!v.multi && !v.includeAll) return selected[0] ?? '';
  return selected.length === 1 ? regexEscape(selected[0]!) : `(${selected.map(regexEscape).join('|')})`;
}

/**
 * Replaces Grafana's macros and the dashboard's variables in a PromQL expression.
 * `$__rate_interval` = max(`$__interval` + scrape interval, 4 × scrape interval), as Grafana defines it.
 */
export function interpolate(expr: string, q: QueryContext): string {
  const scrape = q.scrapeS ?? DEFAULT_SCRAPE_S;
  const macros: Record<string, string> = {
    __rate_interval: promDuration(Math.max(q.intervalS + scrape, 4 * scrape)),
    __interval: promDuration(q.intervalS),
    __interval_ms: String(Math.round(q.intervalS * 1000)),
    __range: promDuration(q.rangeS),
    __range_s: String(Math.round(q.rangeS)),
    __range_ms: String(Math.round(q.rangeS * 1000)),
  };
  const vars = new Map((q.variables ?? []).map((v) => [v.name, v]));
  const value = (name: string): string | undefined => {
    if (name in macros) return macros[name];
    const v = vars.get(name);
    if (!v) return undefined;
    return variableValue(v, q.selected?.[name] ?? defaultSelection(v), q.options?.[name] ?? []);
  };
  // ${name}, ${name:format} (format ignored: the regex form is what PromQL wants), [[name]], $name.
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    // `$__rate_interval` must not be read as `$__rate` + `_interval`: \w+ is greedy, so it is whole.
    return value(name) ?? whole;
  });
}

export function defaultSelection(v: TemplateVariable): string[] {
  const cur = v.current?.value;
  if (cur === undefined) return v.includeAll ? ['$__all'] : [];
  return Array.isArray(cur) ? cur : [cur];
}

/** `label_values(metric, label)` or `label_values(label)` → the label and the series selector. */
export function parseVariableQuery(v: TemplateVariable): { label: string; match?: string } {
  const text = (typeof v.query === 'string' ? v.query : v.query?.query) ?? v.definition ?? '';
  const m = /^\s*label_values\(\s*(?:(.+?)\s*,\s*)?(\w+)\s*\)\s*$/.exec(text);
  if (v.type !== 'query' || !m) {
    throw new Error(`variable $${v.name}: only label_values(…) query variables are supported (got ${v.type}: ${text || 'no query'})`);
  }
  return m[1] ? { label: m[2]!, match: m[1] } : { label: m[2]! };
}

// ---- queries, legends ----------------------------------------------------------------------

export interface PanelQuery {
  refId: string;
  expr: string;
  legendFormat?: string;
}

export function panelQueries(p: GrafanaPanel, q: QueryContext): PanelQuery[] {
  return (p.targets ?? [])
    .filter((t) => !t.hide && t.expr?.trim())
    .map((t, i) => ({
      refId: t.refId ?? String.fromCharCode(65 + i),
      expr: interpolate(t.expr!, q),
      ...(t.legendFormat ? { legendFormat: t.legendFormat } : {}),
    }));
}

/** A series' name: the legend format with `{{label}}` filled, or Prometheus' own notation. */
export function seriesName(metric: Record<string, string>, legendFormat?: string): string {
  if (legendFormat && legendFormat !== '__auto') {
    return legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, l: string) => metric[l] ?? '');
  }
  const { __name__: name = '', ...labels } = metric;
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return body ? `${name}{${body}}` : name || '{}';
}

// ---- reduce, units, thresholds -------------------------------------------------------------

/** A stat panel's number from its series' values (Grafana's reduceOptions.calcs; default lastNotNull). */
export function reduce(values: (number | null)[], calc = 'lastNotNull'): number | null {
  const nums = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (nums.length === 0) return null;
  switch (calc) {
    case 'last':
      return values.at(-1) ?? null;
    case 'first':
    case 'firstNotNull':
      return nums[0]!;
    case 'mean':
      return nums.reduce((a, b) => a + b, 0) / nums.length;
    case 'sum':
      return nums.reduce((a, b) => a + b, 0);
    case 'max':
      return Math.max(...nums);
    case 'min':
      return Math.min(...nums);
    case 'count':
      return nums.length;
    default:
      return nums.at(-1)!;
  }
}

const fixed = (v: number, decimals?: number) => {
  if (decimals !== undefined) return v.toFixed(decimals);
  const a = Math.abs(v);
  const d = a === 0 ? 0 : a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return String(Number(v.toFixed(d)));
};

function scaled(v: number, base: number, suffixes: string[], decimals?: number): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < suffixes.length - 1) {
    x /= base;
    i++;
  }
  return `${fixed(x, decimals)}${suffixes[i]}`;
}

function duration(seconds: number, decimals?: number): string {
  const a = Math.abs(seconds);
  if (a === 0) return '0 s';
  if (a < 1e-6) return `${fixed(seconds * 1e9, decimals)} ns`;
  if (a < 1e-3) return `${fixed(seconds * 1e6, decimals)} µs`;
  if (a < 1) return `${fixed(seconds * 1e3, decimals)} ms`;
  if (a < 60) return `${fixed(seconds, decimals)} s`;
  if (a < 3600) return `${fixed(seconds / 60, decimals)} min`;
  if (a < 86400) return `${fixed(seconds / 3600, decimals)} hour`;
  return `${fixed(seconds / 86400, decimals)} day`;
}

/** The units formatValue writes as Grafana does; any other is shown as a number with the unit's name. */
export const KNOWN_UNITS = ['short', 'none', 'percent', 'percentunit', 's', 'ms', 'bytes', 'decbytes', 'reqps'] as const;

/** A value in a panel's unit, as Grafana writes it for the units the dashboards use. */
export function formatValue(v: number | null, unit = 'short', decimals?: number): string {
  if (v === null || !Number.isFinite(v)) return 'No data';
  switch (unit) {
    case 'percentunit':
      return `${fixed(v * 100, decimals)}%`;
    case 'percent':
      return `${fixed(v, decimals)}%`;
    case 's':
      return duration(v, decimals);
    case 'ms':
      return duration(v / 1000, decimals);
    case 'bytes':
      return scaled(v, 1024, [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB'], decimals);
    case 'decbytes':
      return scaled(v, 1000, [' B', ' kB', ' MB', ' GB', ' TB', ' PB'], decimals);
    case 'reqps':
      return `${scaled(v, 1000, ['', ' K', ' Mil', ' Bil'], decimals)} req/s`;
    case 'none':
      return fixed(v, decimals);
    case 'short':
      return scaled(v, 1000, ['', ' K', ' Mil', ' Bil', ' Tri'], decimals);
    default:
      // An unknown unit is still shown, with its name, rather than silently dropped.
      return `${scaled(v, 1000, ['', ' K', ' Mil', ' Bil', ' Tri'], decimals)} ${unit}`;
  }
}

const NAMED_COLORS: Record<string, string> = {
  green: '#73bf69',
  red: '#f2495c',
  yellow: '#fade2a',
  orange: '#ff9830',
  blue: '#5794f2',
  purple: '#b877d9',
  text: '#d8d9da',
  transparent: 'transparent',
};

export function thresholdsOf(p: GrafanaPanel): ThresholdStep[] {
  const steps = p.fieldConfig?.defaults?.thresholds?.steps;
  return steps?.length ? steps : DEFAULT_THRESHOLDS;
}

/** The colour of a value: the last step whose value it reaches (the first step, value null, is the base). */
export function thresholdColor(v: number | null, steps: ThresholdStep[]): string {
  let color = steps[0]?.color ?? 'green';
  if (v !== null) for (const s of steps) if (s.value === null || v >= s.value) color = s.color;
  return NAMED_COLORS[color] ?? NAMED_COLORS[color.replace(/^(semi-dark|dark|light|super-light)-/, '')] ?? color;
}
