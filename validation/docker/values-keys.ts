// Keys the project sets in a Helm values file that the chart does not define. Helm ignores such
// keys silently, so a typo (`retentin:`) or a key from another chart version changes nothing
// and nobody notices. "Defined" means: present in the chart's default values (its sub-charts'
// under their names), or below a map the chart hands on whole to what it renders (a template
// that serialises it with toYaml/toJson or ranges over it, e.g. Loki's limits_config), or below
// a default that is an empty map or null (free-form by the chart's own declaration).
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

type Tree = Record<string, unknown>;
const isMap = (v: unknown): v is Tree => !!v && typeof v === 'object' && !Array.isArray(v);

export interface ChartModel {
  defaults: Tree;
  /** Dotted value paths whose whole subtree the chart passes on. */
  passThrough: Set<string>;
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** `b` over `a`, maps merged key by key (how Helm merges a parent's values over a sub-chart's). */
function deepMerge(a: unknown, b: unknown): unknown {
  if (isMap(a) && isMap(b)) {
    const r: Tree = { ...a };
    for (const [k, v] of Object.entries(b)) r[k] = k in a ? deepMerge(a[k], v) : v;
    return r;
  }
  return b === undefined || b === null ? a : b;
}

const ACTION = /\{\{-?([\s\S]*?)-?\}\}/g;
const REF = /\.Values((?:\.[A-Za-z0-9_]+)+)(?![A-Za-z0-9_.])/g;
const SERIALISES = /\b(toYaml|toJson|toPrettyJson|range)\b/;
const WITH_BODY_SERIALISES = /(toYaml|toJson)\s+\.[\s)]|\.\s*\|\s*(toYaml|toJson)/;

/** Value paths a template text hands on whole (toYaml/toJson/range, or `with` + `toYaml .`). */
export function passThroughPaths(text: string, prefix: string[] = []): string[] {
  const out: string[] = [];
  for (const a of text.matchAll(ACTION)) {
    const act = a[1]!;
    for (const m of act.matchAll(REF)) {
      let serialises = SERIALISES.test(act);
      if (!serialises && /^\s*with\b/.test(act)) {
        const rest = text.slice(a.index + a[0].length);
        const end = /\{\{-?\s*end\b/.exec(rest);
        serialises = WITH_BODY_SERIALISES.test(end ? rest.slice(0, end.index) : rest);
      }
      if (serialises) out.push([...prefix, ...m[1]!.slice(1).split('.')].join('.'));
    }
  }
  return out;
}

/** The chart unpacked in `dir` (chart root with values.yaml, templates/, charts/). */
export function loadChartModel(dir: string, prefix: string[] = []): ChartModel {
  const valuesFile = path.join(dir, 'values.yaml');
  const valuesText = existsSync(valuesFile) ? readFileSync(valuesFile, 'utf8') : '';
  let defaults: Tree = (parse(valuesText) as Tree | null) ?? {};
  const passThrough = new Set<string>();
  // values.yaml itself can hold templates (Loki's config is a tpl'd string there).
  for (const f of [...files(path.join(dir, 'templates')), valuesFile]) {
    if (!existsSync(f)) continue;
    for (const p of passThroughPaths(readFileSync(f, 'utf8'), prefix)) passThrough.add(p);
  }
  const subRoot = path.join(dir, 'charts');
  if (existsSync(subRoot)) {
    for (const name of readdirSync(subRoot)) {
      const sub = path.join(subRoot, name);
      if (!existsSync(path.join(sub, 'Chart.yaml'))) continue;
      const m = loadChartModel(sub, [...prefix, name]);
      for (const p of m.passThrough) passThrough.add(p);
      defaults = { ...defaults, [name]: deepMerge(m.defaults, defaults[name]) };
    }
  }
  return { defaults, passThrough };
}

/** Dotted paths in `values` the chart does not define (see the file comment for the rule). */
export function unknownKeys(values: Tree, model: ChartModel): string[] {
  const out: string[] = [];
  const walk = (v: Tree, dflt: Tree, at: string[]) => {
    for (const [k, val] of Object.entries(v)) {
      const p = [...at, k];
      if (model.passThrough.has(p.join('.'))) continue;
      if (!(k in dflt)) {
        out.push(p.join('.'));
        continue;
      }
      const d = dflt[k];
      // An empty map or null default declares a free-form value; a list or scalar is replaced whole.
      if (isMap(val) && isMap(d) && Object.keys(d).length > 0) walk(val, d, p);
    }
  };
  walk(values, model.defaults, []);
  return out;
}
