// Schemas kubeconform validates against, offline:
// - Kubernetes: kubernetes-validate ships them per version with every $ref pointing into one
//   shared _definitions.json; kubeconform compiles each kind's file on its own, so each is
//   written out standalone (the definitions it reaches copied under $defs) once per version.
// - CRDs: converted from the charts' own CustomResourceDefinitions by kubeconform's own
//   openapi2jsonschema.py (in its Go module), once per chart version.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { Versions } from '../../tasks/config/versions.ts';
import { requireGo } from '../../tasks/config/go.ts';

type Json = unknown;
const DEF_PREFIXES = ['/api/_definitions.json#/$defs/', '#/$defs/'];

const refName = (v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  const p = DEF_PREFIXES.find((x) => v.startsWith(x));
  return p ? v.slice(p.length) : undefined;
};

function collectRefs(o: Json, acc: Set<string>): void {
  if (Array.isArray(o)) for (const x of o) collectRefs(x, acc);
  else if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      const n = k === '$ref' ? refName(v) : undefined;
      if (n) acc.add(n);
      else collectRefs(v, acc);
    }
  }
}

function rewrite(o: Json): Json {
  if (Array.isArray(o)) return o.map(rewrite);
  if (o && typeof o === 'object') {
    return Object.fromEntries(
      Object.entries(o).map(([k, v]) => {
        const n = k === '$ref' ? refName(v) : undefined;
        return [k, n ? `#/$defs/${n}` : rewrite(v)];
      }),
    );
  }
  return o;
}

/** `1.32.5` → the schema directory kubernetes-validate has for that minor (`v1.32.0-local-strict`). */
export function kubernetesSchemaDirName(kubeVersion: string): string {
  const [maj, min] = kubeVersion.replace(/^v/, '').split('.');
  return `v${maj}.${min}.0-local-strict`;
}

/**
 * Standalone strict schemas for `kubeVersion` under `<cache>/kubeconform/`; returns the
 * kubeconform -schema-location template. Generated once (into a temp dir, then renamed).
 */
export function kubernetesSchemas(schemaRoot: string, kubeVersion: string, cache: string): string {
  const name = kubernetesSchemaDirName(kubeVersion);
  const src = path.join(schemaRoot, name);
  const out = path.join(cache, 'kubeconform', name.replace('-local-strict', '-standalone-strict'));
  const template = `${out}/{{ .ResourceKind }}{{ .KindSuffix }}.json`;
  if (existsSync(out)) return template;
  if (!existsSync(src)) {
    throw new Error(
      `kubernetes-validate has no schemas for Kubernetes ${kubeVersion} (${src}); pin a version it ships`,
    );
  }
  const defs = (
    JSON.parse(readFileSync(path.join(src, '_definitions.json'), 'utf8')) as { $defs: Record<string, Json> }
  ).$defs;
  const tmp = `${out}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  for (const f of readdirSync(src)) {
    if (f.startsWith('_') || f === 'all.json' || !f.endsWith('.json')) continue;
    const schema = JSON.parse(readFileSync(path.join(src, f), 'utf8')) as Record<string, Json>;
    const need = new Set<string>();
    collectRefs(schema, need);
    const todo = [...need];
    while (todo.length) {
      const more = new Set<string>();
      collectRefs(defs[todo.pop()!], more);
      for (const m of more) {
        if (need.has(m)) continue;
        need.add(m);
        todo.push(m);
      }
    }
    const standalone = {
      ...(rewrite(schema) as object),
      $defs: Object.fromEntries([...need].map((n) => [n, rewrite(defs[n])])),
    };
    writeFileSync(path.join(tmp, f), JSON.stringify(standalone));
  }
  mkdirSync(path.dirname(out), { recursive: true });
  try {
    renameSync(tmp, out);
  } catch {
    // Another process generated it first: theirs is the same.
  }
  return template;
}

/** kubeconform's module directory in the Go module cache (downloaded through the proxy if absent). */
async function kubeconformModuleDir(v: Versions): Promise<string> {
  const at = `${v.tools.kubeconform.module}@${v.tools.kubeconform.version}`;
  await requireGo(`reading kubeconform's schemas (${at})`);
  const r = await execa('go', ['mod', 'download', '-json', at], {
    reject: false,
    env: { GOFLAGS: '-mod=mod' },
  });
  const info = JSON.parse(r.stdout || '{}') as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${at} failed: ${info.Error ?? r.stderr.split('\n')[0]}`);
  return info.Dir;
}

/**
 * JSON schemas for the CRDs in `rendered` (a chart's `helm template --include-crds` output),
 * written to `<cache>/kubeconform/crds/<key>/` once per key (chart and version); returns the
 * kubeconform -schema-location template for them.
 */
export async function crdSchemas(
  rendered: string,
  key: string,
  cache: string,
  v: Versions,
  python: string,
): Promise<string> {
  const out = path.join(cache, 'kubeconform', 'crds', key);
  const template = `${out}/{{ .Group }}-{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`;
  if (existsSync(out)) return template;
  const script = path.join(await kubeconformModuleDir(v), 'scripts', 'openapi2jsonschema.py');
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'crd-schemas-'));
  try {
    await writeFile(path.join(tmp, 'rendered.yaml'), rendered);
    const r = await execa(python, [script, 'rendered.yaml'], {
      cwd: tmp,
      reject: false,
      all: true,
      env: { FILENAME_FORMAT: '{fullgroup}-{kind}_{version}' },
    });
    if (r.exitCode !== 0)
      throw new Error(
        `openapi2jsonschema.py failed for ${key}: ${(r.all ?? '').trim().split('\n').slice(-2).join(' | ')}`,
      );
    const done = `${out}.tmp-${process.pid}`;
    mkdirSync(done, { recursive: true });
    for (const f of readdirSync(tmp))
      if (f.endsWith('.json')) renameSync(path.join(tmp, f), path.join(done, f));
    mkdirSync(path.dirname(out), { recursive: true });
    try {
      renameSync(done, out);
    } catch {
      // Another process generated it first.
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return template;
}
