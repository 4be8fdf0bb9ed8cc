// The Docker paths proven with the real charts and the real tools, without Docker: every Helm
// release rendered by the pinned helm from the pinned chart, every rendered object and plain
// manifest validated by kubeconform -strict against the Kubernetes version k3d starts (and the
// charts' CRDs), values keys the charts do not define, the k3d config through k3d's own loader,
// the Compose files through compose-go with the environment `up` uses, and every program a
// health check runs found in its image.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse, parseAllDocuments } from 'yaml';
import { kubeVersion, type Versions } from '../../tasks/config/versions.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { locateChart, type ChartSource } from './charts.ts';
import { probeProblems, healthcheckPrograms, type ProbeUse } from './probes.ts';
import { crdSchemas, kubernetesSchemas } from './schemas.ts';
import { ensureTool, kubernetesSchemaRoot, type CheckTool } from '../../tasks/config/render-tools.ts';
import { loadChartModel, unknownKeys } from './values-keys.ts';

export interface Part {
  id: 'render' | 'values-keys' | 'kubeconform' | 'k3d-config' | 'compose-config' | 'probes';
  title: string;
  ok: boolean;
  /** What ran, on what (never a secret). */
  evidence: string;
  /** One line per problem. */
  problems: string[];
  ms: number;
}

export interface ComposeInvocation {
  /** The Compose file, and the env files in the order `docker compose` gets them (repo-relative). */
  file: string;
  envFiles: string[];
}

export interface RenderInputs {
  versions: Versions;
  cache: string;
  /** The settings `up`/`status`/`down` give docker compose on top of this process's environment. */
  composeEnv: Record<string, string | undefined>;
  /** false: the settings alone, not this process's environment (tests). */
  composeExtendEnv?: boolean;
  compose: ComposeInvocation[];
  k3dConfig: string;
  /** Compose services whose data must live in a named volume. */
  composeDataServices?: readonly string[];
  /** Directories applied with `kubectl apply -k` and files/dirs with `kubectl apply -f`. */
  kustomizeDirs: string[];
  manifestPaths: string[];
  env?: NodeJS.ProcessEnv;
  /** Run only these parts (tests); default all. */
  only?: Part['id'][];
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Shown to the person waiting while a render tool builds (the first check on a fresh clone). */
  note?: (line: string) => void;
}

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const definedOnly = (e: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(e).filter((x): x is [string, string] => x[1] !== undefined));
const rel = (p: string) => path.relative(REPO_ROOT, p) || p;
const lastLines = (t: string | undefined, n = 2) => (t ?? '').trim().split('\n').slice(-n).join(' | ');
const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await fn();
  return [r, Math.round(performance.now() - t0)];
};

function docs(text: string): Doc[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => !!d && typeof d === 'object' && typeof d.kind === 'string');
}

/** Pod templates of a workload object (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod). */
function podSpec(d: Doc): Doc | undefined {
  if (d.kind === 'Pod') return d.spec;
  return d.spec?.template?.spec ?? d.spec?.jobTemplate?.spec?.template?.spec;
}

/** Exec probes (and, for the project's own manifests, command overrides) of every container. */
function k8sUses(objects: Doc[], source: string, withCommands: boolean): ProbeUse[] {
  const uses: ProbeUse[] = [];
  for (const d of objects) {
    const spec = podSpec(d);
    // A chart's `helm test` pods never run on up; their images are not the platform's.
    if (!spec || /\btest\b/.test(String(d.metadata?.annotations?.['helm.sh/hook'] ?? ''))) continue;
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Doc[]) {
      const where = `${source}: ${d.kind} ${d.metadata?.namespace ? `${d.metadata.namespace}/` : ''}${d.metadata?.name} container ${c.name}`;
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const cmd = c[probe]?.exec?.command as string[] | undefined;
        if (cmd) uses.push({ where: `${where} ${probe}`, image: c.image, argv: cmd });
      }
      if (withCommands && Array.isArray(c.command))
        uses.push({ where: `${where} command`, image: c.image, argv: c.command });
    }
  }
  return uses;
}

async function tool(inputs: RenderInputs, name: CheckTool): Promise<string> {
  const t = await ensureTool(inputs.cache, name, inputs.versions, {
    ...(inputs.signal ? { signal: inputs.signal } : {}),
    ...(inputs.log ? { log: inputs.log } : {}),
    ...(inputs.note ? { note: inputs.note } : {}),
  });
  if (t.built) inputs.log?.(`built ${name} in ${(t.ms / 1000).toFixed(0)} s`);
  return t.path;
}

interface Rendered {
  release: string;
  chart: string;
  values: string;
  source: ChartSource;
  text: string;
}

export async function runDockerPathChecks(inputs: RenderInputs): Promise<Part[]> {
  const v = inputs.versions;
  const kube = kubeVersion(v);
  const parts: Part[] = [];
  const want = (...ids: Part['id'][]) => !inputs.only || ids.some((i) => inputs.only!.includes(i));
  const push = (p: Part) => {
    if (want(p.id)) parts.push(p);
  };
  const helm = await tool(inputs, 'helm');
  const work = mkdtempSync(path.join(os.tmpdir(), 'docker-paths-'));
  try {
    // 1. helm template every release with the project's values.
    const rendered: Rendered[] = [];
    const renderProblems: string[] = [];
    const [, renderMs] = await timed(async () => {
      if (!want('render', 'kubeconform', 'probes')) return;
      for (const [name, chart] of Object.entries(v.charts)) {
        const source = await locateChart(name, chart, {
          helm,
          cache: inputs.cache,
          ...(inputs.env ? { env: inputs.env } : {}),
          ...(inputs.signal ? { signal: inputs.signal } : {}),
        });
        const r = await execa(
          helm,
          [
            'template',
            chart.release,
            source.file,
            '--namespace',
            'infra',
            '--values',
            path.resolve(REPO_ROOT, chart.values),
            '--kube-version',
            kube,
            '--include-crds',
          ],
          { reject: false, all: true, ...(inputs.signal ? { cancelSignal: inputs.signal } : {}) },
        );
        if (r.exitCode !== 0) {
          renderProblems.push(
            `${chart.values}: helm template ${chart.release} (${name} ${chart.version}) failed: ${(r.stderr || r.all || '').replace(/\s+/g, ' ').trim()}`,
          );
          continue;
        }
        rendered.push({
          release: chart.release,
          chart: `${name} ${chart.version}`,
          values: chart.values,
          source,
          text: r.stdout,
        });
      }
    });
    const objectCount = rendered.reduce((n, r) => n + docs(r.text).length, 0);
    push({
      id: 'render',
      title: 'Every Helm release renders with the project values (pinned helm and charts)',
      ok: renderProblems.length === 0,
      evidence: `helm ${v.tools.helm.version} template --kube-version ${kube}: ${rendered.map((r) => `${r.chart} (${r.source.from})`).join(', ')}; ${objectCount} objects`,
      problems: renderProblems,
      ms: renderMs,
    });

    // 2. values keys the charts do not define.
    const [keyProblems, keysMs] = await timed(async () => {
      const out: string[] = [];
      if (!want('values-keys')) return out;
      for (const [name, chart] of Object.entries(v.charts)) {
        const source = await locateChart(name, chart, {
          helm,
          cache: inputs.cache,
          ...(inputs.env ? { env: inputs.env } : {}),
        });
        const dir = path.join(work, `chart-${name}`);
        await execa('mkdir', ['-p', dir]);
        await execa('tar', ['xzf', source.file, '-C', dir]);
        const model = loadChartModel(path.join(dir, name));
        const values = (parse(readFileSync(path.resolve(REPO_ROOT, chart.values), 'utf8')) ?? {}) as Record<
          string,
          unknown
        >;
        for (const key of unknownKeys(values, model)) {
          out.push(
            `${chart.values}: key ${key} is not defined by the chart ${name} ${chart.version} (Helm ignores it)`,
          );
        }
      }
      return out;
    });
    push({
      id: 'values-keys',
      title: 'Every key in the values files is one the chart defines',
      ok: keyProblems.length === 0,
      evidence: `${Object.values(v.charts)
        .map((c) => c.values)
        .join(', ')} against the charts' default values and the maps they pass on whole`,
      problems: keyProblems,
      ms: keysMs,
    });

    // 3. kubeconform -strict: rendered objects and plain manifests.
    const plainFiles: string[] = [];
    const plainProblems: string[] = [];
    for (const dir of want('kubeconform', 'probes') ? inputs.kustomizeDirs : []) {
      const r = await execa('kubectl', ['kustomize', path.resolve(REPO_ROOT, dir)], {
        reject: false,
        all: true,
      });
      if (r.exitCode === undefined) {
        plainProblems.push(
          `kubectl not found on PATH: the kustomizations (${dir}) are rendered with \`kubectl kustomize\`; install kubectl`,
        );
        continue;
      }
      if (r.exitCode !== 0) {
        plainProblems.push(`${dir}: kubectl kustomize failed: ${lastLines(r.stderr)}`);
        continue;
      }
      const f = path.join(work, `kustomize-${dir.replaceAll('/', '_')}.yaml`);
      writeFileSync(f, r.stdout);
      plainFiles.push(f);
    }
    // `kubectl apply -f DIR` takes the YAML files directly in DIR.
    for (const p of want('kubeconform', 'probes') ? inputs.manifestPaths : []) {
      const abs = path.resolve(REPO_ROOT, p);
      if (!statSync(abs).isDirectory()) plainFiles.push(abs);
      else
        for (const f of readdirSync(abs).sort())
          if (/\.(ya?ml|json)$/.test(f)) plainFiles.push(path.join(abs, f));
    }
    const [kc, kcMs] = await timed(async () => {
      if (!want('kubeconform')) return { problems: [], summary: undefined };
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
      const args = [
        '-strict',
        '-summary',
        '-output',
        'json',
        '-kubernetes-version',
        kube,
        ...locations.flatMap((l) => ['-schema-location', l]),
      ];
      const r = await execa(kubeconform, [...args, ...files, ...plainFiles], { reject: false, all: false });
      const out = JSON.parse(r.stdout || '{}') as {
        resources?: { filename: string; kind: string; name: string; status: string; msg: string }[];
        summary?: { valid: number; invalid: number; errors: number; skipped: number };
      };
      const problems = (out.resources ?? [])
        .filter((x) => x.status !== 'statusValid')
        .map(
          (x) =>
            `${x.filename.startsWith(work) ? path.basename(x.filename) : rel(x.filename)}: ${x.kind} ${x.name}: ${x.msg}`,
        );
      if (r.exitCode !== 0 && problems.length === 0)
        problems.push(`kubeconform failed (exit ${r.exitCode}): ${lastLines(r.stderr)}`);
      // Every object must have been checked: a skipped or silently dropped one proves nothing.
      const expected = objectCount + plainFiles.reduce((n, f) => n + docs(readFileSync(f, 'utf8')).length, 0);
      if ((out.summary?.valid ?? 0) + problems.length < expected) {
        problems.push(`kubeconform checked ${out.summary?.valid ?? 0} of ${expected} objects`);
      }
      return { problems, summary: out.summary };
    });
    push({
      id: 'kubeconform',
      title: `Every rendered object and plain manifest is valid for Kubernetes ${kube} (kubeconform -strict)`,
      ok: kc.problems.length === 0 && plainProblems.length === 0,
      evidence: `kubeconform ${v.tools.kubeconform.version} -strict, schemas of kubernetes-validate ${v.tools['kubernetes-validate'].version} and the charts' CRDs: ${kc.summary?.valid ?? 0} valid, ${(kc.summary?.invalid ?? 0) + (kc.summary?.errors ?? 0)} not (${inputs.kustomizeDirs.length} kustomizations, ${inputs.manifestPaths.join(', ')})`,
      problems: [...plainProblems, ...kc.problems],
      ms: kcMs,
    });

    // 4. The k3d config through k3d's own loader.
    const [k3d, k3dMs] = await timed(async () => {
      if (!want('k3d-config')) return { problems: [], nodes: 0 };
      const loader = await tool(inputs, 'k3d-loader');
      const r = await execa(loader, [path.resolve(REPO_ROOT, inputs.k3dConfig)], {
        reject: false,
        all: false,
        cwd: REPO_ROOT,
      });
      if (r.exitCode !== 0) {
        // logrus' fatal line: level=fatal msg="…"
        const msg =
          /msg="((?:[^"\\]|\\.)*)"/.exec(r.stderr.split('\n').filter(Boolean).pop() ?? '')?.[1] ??
          lastLines(r.stderr, 1);
        // The message is Go-quoted: unescape it, and say the file once.
        const text = msg
          .replaceAll('\\n', ' ')
          .replaceAll('\\"', '"')
          .replace(/ for config file \S+:/, ':')
          .trim();
        return { problems: [`${inputs.k3dConfig}: ${text}`], nodes: 0 };
      }
      const cfg = JSON.parse(r.stdout) as {
        nodes: { role: string; image: string; args?: string[]; ports?: string[] }[];
      };
      // What the loaded cluster must have (seed 0-2): the ingress ports on the load balancer, Traefik off.
      const lb = cfg.nodes.find((n) => n.role === 'loadbalancer');
      const server = cfg.nodes.find((n) => n.role === 'server');
      const facts = [
        ...['8080->80/tcp', '8443->443/tcp']
          .filter((p) => !lb?.ports?.some((x) => x.endsWith(`:${p}`)))
          .map((p) => `the load balancer does not publish ${p.replace('->', ':').replace('/tcp', '')}`),
        ...(server?.args?.includes('--disable=traefik')
          ? []
          : ['the server does not run with --disable=traefik']),
      ].map((f) => `${inputs.k3dConfig}: ${f}`);
      const problems = [
        ...facts,
        ...cfg.nodes
          .filter((n) => n.role === 'server' || n.role === 'agent')
          .filter((n) => n.image !== v.kubernetes.k3sImage)
          .map(
            (n) =>
              `${inputs.k3dConfig}: ${n.role} node image ${n.image || '(k3d default)'} is not the pinned ${v.kubernetes.k3sImage} (manifests/versions.yaml kubernetes.k3sImage)`,
          ),
      ];
      return { problems, nodes: cfg.nodes.length };
    });
    push({
      id: 'k3d-config',
      title:
        "The k3d config loads through k3d's own loader: pinned k3s, ports 8080:80 and 8443:443, Traefik off",
      ok: k3d.problems.length === 0,
      evidence: `k3d ${v.tools.k3d.version} config loader (schema, Simple → Cluster transform, validation) on ${inputs.k3dConfig}: ${k3d.nodes} nodes`,
      problems: k3d.problems,
      ms: k3dMs,
    });

    // 5. Compose files through compose-go, with the env files and environment `up` uses.
    const composeUses: ProbeUse[] = [];
    const [compose, composeMs] = await timed(async () => {
      const problems: string[] = [];
      if (!want('compose-config', 'probes')) return problems;
      const loader = await tool(inputs, 'compose-loader');
      for (const c of inputs.compose) {
        const args = [...c.envFiles.flatMap((e) => ['--env-file', e]), '--file', c.file];
        const r = await execa(loader, args, {
          reject: false,
          cwd: REPO_ROOT,
          // As docker compose gets it from run(): this process's environment plus the settings.
          env: definedOnly(inputs.composeEnv),
          extendEnv: inputs.composeExtendEnv ?? true,
        });
        if (r.exitCode !== 0) {
          problems.push(composeError(c.file, r.stderr));
          continue;
        }
        const project = JSON.parse(r.stdout) as {
          services: Record<
            string,
            {
              image: string;
              healthcheck?: string[];
              healthcheckDisabled?: boolean;
              entrypoint?: string[];
              command?: string[];
              mounts?: { type: string; source?: string }[];
            }
          >;
          volumes: string[];
        };
        // Data survives `down` (seed 0-7): each stateful service keeps its data in a named volume.
        for (const name of inputs.composeDataServices ?? []) {
          const s = project.services[name];
          if (
            s &&
            !s.mounts?.some((m) => m.type === 'volume' && m.source && project.volumes.includes(m.source))
          ) {
            problems.push(`${c.file}: service ${name} keeps no data in a named volume`);
          }
        }
        for (const [name, s] of Object.entries(project.services)) {
          if (s.healthcheck && !s.healthcheckDisabled) {
            composeUses.push({
              where: `${c.file}: service ${name} health check`,
              image: s.image,
              argv: s.healthcheck,
              programs: healthcheckPrograms(s.healthcheck),
            });
          }
          if (s.entrypoint?.length)
            composeUses.push({
              where: `${c.file}: service ${name} entrypoint`,
              image: s.image,
              argv: s.entrypoint,
            });
          // A `command:` that names a program by path or a shell runs it; other commands are
          // arguments to the image's own entrypoint (alloy's `run …`, Prometheus's flags).
          else if (s.command?.length && /^\/|^(ba|a|da)?sh$/.test(s.command[0]!))
            composeUses.push({ where: `${c.file}: service ${name} command`, image: s.image, argv: s.command });
        }
      }
      return problems;
    });
    push({
      id: 'compose-config',
      title:
        'The Compose files load through the Compose loader with the environment up/status/down use; data in named volumes',
      ok: compose.length === 0,
      evidence: `compose-go ${v.tools['compose-go'].version} (the docker compose loader): ${inputs.compose.map((c) => `${[...c.envFiles.map((e) => `--env-file ${e}`), `-f ${c.file}`].join(' ')}`).join('; ')}`,
      problems: compose,
      ms: composeMs,
    });

    // 6. Health checks and in-container commands run programs their images contain.
    const [probeList, probesMs] = await timed(async () => {
      const uses = [...composeUses];
      for (const r of rendered) uses.push(...k8sUses(docs(r.text), `${r.chart} rendered`, true));
      for (const f of plainFiles)
        uses.push(
          ...k8sUses(docs(readFileSync(f, 'utf8')), f.startsWith(work) ? path.basename(f) : rel(f), true),
        );
      // Uses in services built from this repository (demo) are checked against their Dockerfile's entry.
      return { problems: probeProblems(uses, v.images), count: uses.length };
    });
    push({
      id: 'probes',
      title: 'Every health check and in-container command runs a program its image contains',
      ok: probeList.problems.length === 0,
      evidence: `${probeList.count} health checks, exec probes and command overrides against the probe programs recorded per image in manifests/versions.yaml`,
      problems: probeList.problems,
      ms: probesMs,
    });
    return parts;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** compose-go's error as one line per missing required variable (named), else its first message. */
export function composeError(file: string, stderr: string): string {
  const missing = [
    ...stderr.matchAll(
      /required variable (\w+) is missing a value(?:: ([^]*?))?(?= error while interpolating|$)/g,
    ),
  ];
  if (missing.length) {
    const names = [...new Set(missing.map((m) => m[1]!))];
    const hint = missing[0]![2]?.trim();
    return `${file}: required variable ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not set${hint ? ` (${hint})` : ''}`;
  }
  return `${file}: ${stderr.trim().split('\n')[0]}`;
}
