// kubeconform -strict on everything k3d applies: the rendered Helm objects and the plain
// manifests (kustomizations through `kubectl kustomize`, `kubectl apply -f` paths), against the
// Kubernetes version k3d starts and the charts' own CRDs. Every object must have been checked.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { kubeVersion } from '../../tasks/config/versions.ts';
import { kubernetesSchemaRoot } from '../../tasks/config/render-tools.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { docs, lastLines, rel, timed, tool, type Part, type Rendered, type RenderInputs } from './parts.ts';
import { crdSchemas, kubernetesSchemas } from './schemas.ts';

/** The plain manifest files k3d applies (kustomizations rendered into `work`); none when `skip`. */
export async function plainManifests(
  inputs: RenderInputs,
  work: string,
  skip: boolean,
): Promise<{ files: string[]; problems: string[] }> {
  const files: string[] = [];
  const problems: string[] = [];
  for (const dir of skip ? [] : inputs.kustomizeDirs) {
    const r = await execa('kubectl', ['kustomize', path.resolve(REPO_ROOT, dir)], {
      reject: false,
      all: true,
    });
    if (r.exitCode === undefined) {
      problems.push(
        `kubectl not found on PATH: the kustomizations (${dir}) are rendered with \`kubectl kustomize\`; install kubectl`,
      );
      continue;
    }
    if (r.exitCode !== 0) {
      problems.push(`${dir}: kubectl kustomize failed: ${lastLines(r.stderr)}`);
      continue;
    }
    const f = path.join(work, `kustomize-${dir.replaceAll('/', '_')}.yaml`);
    writeFileSync(f, r.stdout);
    files.push(f);
  }
  // `kubectl apply -f DIR` takes the YAML files directly in DIR.
  for (const p of skip ? [] : inputs.manifestPaths) {
    const abs = path.resolve(REPO_ROOT, p);
    if (!statSync(abs).isDirectory()) files.push(abs);
    else
      for (const f of readdirSync(abs).sort()) if (/\.(ya?ml|json)$/.test(f)) files.push(path.join(abs, f));
  }
  return { files, problems };
}

interface KubeconformOut {
  resources?: { filename: string; kind: string; name: string; status: string; msg: string }[];
  summary?: { valid: number; invalid: number; errors: number; skipped: number };
}

/**
 * kubeconform -strict over `files` for Kubernetes `kube`, against `schemas`. Every object must
 * have been checked: an invalid one, a failed run, or fewer valid objects than `expected` (a
 * skipped or silently dropped one proves nothing) is a problem; `shown` names a file in one.
 */
export async function runKubeconform(o: {
  bin: string;
  kube: string;
  schemas: readonly string[];
  files: readonly string[];
  expected: number;
  shown: (file: string) => string;
  signal?: AbortSignal;
}): Promise<{ problems: string[]; summary: KubeconformOut['summary'] }> {
  const args = ['-strict', '-summary', '-output', 'json', '-kubernetes-version', o.kube];
  const r = await execa(o.bin, [...args, ...o.schemas.flatMap((l) => ['-schema-location', l]), ...o.files], {
    reject: false,
    ...(o.signal ? { cancelSignal: o.signal } : {}),
  });
  const out = JSON.parse(r.stdout || '{}') as KubeconformOut;
  const problems = (out.resources ?? [])
    .filter((x) => x.status !== 'statusValid')
    .map((x) => `${o.shown(x.filename)}: ${x.kind} ${x.name}: ${x.msg}`);
  if (r.exitCode !== 0 && problems.length === 0)
    problems.push(`kubeconform failed (exit ${r.exitCode}): ${lastLines(r.stderr)}`);
  const valid = out.summary?.valid ?? 0;
  if (valid + problems.length < o.expected)
    problems.push(`kubeconform checked ${valid} of ${o.expected} objects`);
  return { problems, summary: out.summary };
}

export async function kubeconformPart(
  inputs: RenderInputs,
  work: string,
  rendered: readonly Rendered[],
  objectCount: number,
  plain: { files: string[]; problems: string[] },
  skip: boolean,
): Promise<Part> {
  const v = inputs.versions;
  const kube = kubeVersion(v);
  const [kc, kcMs] = await timed(async () => {
    if (skip) return { problems: [], summary: undefined };
    const kubeconform = await tool(inputs, 'kubeconform');
    const root = await kubernetesSchemaRoot(v, inputs.signal);
    const python = path.resolve(root, '..', '..', '..', '..', '..', 'bin', 'python');
    const locations = [kubernetesSchemas(root, kube, inputs.cache)];
    const files: string[] = [];
    for (const r of rendered) {
      const f = path.join(work, `rendered-${r.release}.yaml`);
      writeFileSync(f, r.text);
      files.push(f);
      if (r.text.includes('kind: CustomResourceDefinition')) {
        locations.push(await crdSchemas(r.text, r.chart.replace(' ', '-'), inputs.cache, v, python));
      }
    }
    return runKubeconform({
      bin: kubeconform,
      kube,
      schemas: locations,
      files: [...files, ...plain.files],
      expected: objectCount + plain.files.reduce((n, f) => n + docs(readFileSync(f, 'utf8')).length, 0),
      shown: (f) => (f.startsWith(work) ? path.basename(f) : rel(f)),
      signal: inputs.signal,
    });
  });
  return {
    id: 'kubeconform',
    title: `Every rendered object and plain manifest is valid for Kubernetes ${kube} (kubeconform -strict)`,
    ok: kc.problems.length === 0 && plain.problems.length === 0,
    evidence: `kubeconform ${v.tools.kubeconform.version} -strict, schemas of kubernetes-validate ${v.tools['kubernetes-validate'].version} and the charts' CRDs: ${kc.summary?.valid ?? 0} valid, ${(kc.summary?.invalid ?? 0) + (kc.summary?.errors ?? 0)} not (${inputs.kustomizeDirs.length} kustomizations, ${inputs.manifestPaths.join(', ')})`,
    problems: [...plain.problems, ...kc.problems],
    ms: kcMs,
  };
}
