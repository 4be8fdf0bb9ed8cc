// The real tools the Docker-path checks run, built from the Go module proxy (and one PyPI
// package) at the versions in manifests/versions.yaml, into the tools cache (.tools/cache/bin).
// A stamp file beside each binary records what it was built from, so a version bump rebuilds.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../engine/task.ts';
import { REPO_ROOT } from '../paths.ts';
import type { Versions } from './versions.ts';
import { allSettledOrThrow, inBuildSlot, track } from './activity.ts';
import { goVersion, runGo } from './go.ts';

export type CheckTool = 'helm' | 'kubeconform' | 'k3d' | 'k3d-loader' | 'compose-loader';

interface Build {
  /** What the stamp records: a version, or a hash of the loader's sources. */
  stamp: string;
  /** A Go package at a version, built inside a throwaway module… */
  pkg?: string;
  version?: string;
  /** …or a module of this repository (scripts/k3d-loader). */
  dir?: string;
  ldflags?: string;
}

const hashOf = (dir: string) =>
  createHash('sha256')
    .update(
      ['go.mod', 'go.sum', 'main.go']
        .map((f) => readFileSync(path.join(REPO_ROOT, dir, f), 'utf8'))
        .join('\0'),
    )
    .digest('hex')
    .slice(0, 16);

function builds(v: Versions): Record<CheckTool, Build> {
  const { helm, kubeconform, k3d } = v.tools;
  const k3dFlags = `-X github.com/k3d-io/k3d/v5/version.Version=${k3d.version}`;
  return {
    helm: {
      stamp: helm.version,
      pkg: helm.package,
      version: helm.version,
      // A module build has no version stamped in; `helm version` should say what runs.
      ldflags: `-X ${helm.module}/internal/version.version=${helm.version}`,
    },
    kubeconform: { stamp: kubeconform.version, pkg: kubeconform.package, version: kubeconform.version },
    k3d: { stamp: k3d.version, pkg: k3d.package, version: k3d.version, ldflags: k3dFlags },
    'k3d-loader': { stamp: hashOf('scripts/k3d-loader'), dir: 'scripts/k3d-loader', ldflags: k3dFlags },
    'compose-loader': { stamp: hashOf('scripts/compose-loader'), dir: 'scripts/compose-loader' },
  };
}

export const binDir = (cache: string) => path.join(cache, 'bin');
export const toolPath = (cache: string, tool: CheckTool) => path.join(binDir(cache), tool);
const stampFile = (cache: string, tool: CheckTool) => `${toolPath(cache, tool)}.version`;

/** True when the binary exists and was built from what versions.yaml pins now. */
export function toolCurrent(cache: string, tool: CheckTool, v: Versions): boolean {
  const f = stampFile(cache, tool);
  return (
    existsSync(toolPath(cache, tool)) &&
    existsSync(f) &&
    readFileSync(f, 'utf8').trim() === builds(v)[tool].stamp
  );
}

const tail = (text: string | undefined) => (text ?? '').trim().split('\n').slice(-3).join(' | ');

const go = (args: string[], cwd: string, signal?: AbortSignal) =>
  runGo(args, { cwd, ...(signal ? { signal } : {}), what: 'the render checks (helm, kubeconform, the loaders)' });

/**
 * Builds `tool` into the cache when it is missing or stale; returns its path and whether it was
 * built. Packages are built in a throwaway module (`go get` + `go build`), which needs only the
 * module proxy's .mod/.zip files, not its version lists.
 */
export async function ensureTool(
  cache: string,
  tool: CheckTool,
  v: Versions,
  opts: { signal?: AbortSignal; log?: (l: string) => void; note?: (l: string) => void } = {},
): Promise<{ path: string; built: boolean; ms: number }> {
  const out = toolPath(cache, tool);
  if (toolCurrent(cache, tool, v)) return { path: out, built: false, ms: 0 };
  const b = builds(v)[tool];
  const t0 = performance.now();
  mkdirSync(binDir(cache), { recursive: true });
  const flags = b.ldflags ? ['-ldflags', b.ldflags] : [];
  // Built under a private name, then renamed: parallel test files and checks may build it at once.
  const tmp = `${out}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const what = b.dir ? `building ${tool} (Go, ${b.dir})` : `building ${tool} ${b.version} (Go)`;
  const note = opts.note ?? opts.log ?? (() => {});
  await inBuildSlot(() =>
    track(note, what, async () => {
      if (b.dir) {
        await go(['build', ...flags, '-o', tmp, '.'], path.join(REPO_ROOT, b.dir), opts.signal);
      } else {
        const dir = await mkdtemp(path.join(os.tmpdir(), `build-${tool}-`));
        try {
          await go(['mod', 'init', `build/${tool}`], dir, opts.signal);
          await go(['get', `${b.pkg}@${b.version}`], dir, opts.signal);
          await go(['build', ...flags, '-o', tmp, b.pkg!], dir, opts.signal);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      await rename(tmp, out);
    }).finally(() => rm(tmp, { force: true })),
  );
  writeFileSync(stampFile(cache, tool), `${b.stamp}\n`);
  return { path: out, built: true, ms: Math.round(performance.now() - t0) };
}

/** The Kubernetes JSON schemas shipped by the PyPI package kubernetes-validate (a venv under .tools/, created once). */
export async function kubernetesSchemaRoot(v: Versions, signal?: AbortSignal): Promise<string> {
  const venv = process.env.KUBERNETES_VALIDATE_VENV ?? path.join(REPO_ROOT, '.tools', 'kubernetes-validate');
  const find = () => {
    const lib = path.join(venv, 'lib');
    if (!existsSync(lib)) return undefined;
    for (const py of readdirSync(lib)) {
      const dir = path.join(lib, py, 'site-packages', 'kubernetes_validate', 'kubernetes-json-schema');
      if (existsSync(dir)) return dir;
    }
    return undefined;
  };
  const found = find();
  if (found) return found;
  const spec = `${v.tools['kubernetes-validate'].pypi}==${v.tools['kubernetes-validate'].version}`;
  mkdirSync(path.dirname(venv), { recursive: true });
  // flock: test processes and the check may create it at the same time on a fresh clone.
  const r = await execa(
    'flock',
    [
      `${venv}.lock`,
      'sh',
      '-c',
      `[ -d "${venv}/lib" ] && [ -x "${venv}/bin/kubernetes-validate" ] || { python3 -m venv "${venv}" && "${venv}/bin/pip" install -q "${spec}"; }`,
    ],
    { reject: false, all: true, ...(signal ? { cancelSignal: signal } : {}) },
  );
  const dir = find();
  if (r.exitCode !== 0 || !dir) {
    throw new UsageError(`could not install ${spec} into ${venv} (python3 -m venv + pip): ${tail(r.all)}`);
  }
  return dir;
}

/** The tools the render checks run (k3d itself is the k3d target's, built by its install). */
export const RENDER_CHECK_TOOLS: CheckTool[] = ['helm', 'kubeconform', 'k3d-loader', 'compose-loader'];

/** dev-setup's step: builds what is missing or stale; without Go it says so and changes nothing. */
export async function setupRenderTools(
  cache: string,
  v: Versions,
  opts: { signal?: AbortSignal; log?: (l: string) => void; note?: (l: string) => void } = {},
): Promise<[boolean, string]> {
  if (!(await goVersion()))
    return [
      false,
      'skipped: no go on PATH; the Docker-path render checks need it (scripts/ensure-go.sh fetches the pinned Go)',
    ];
  const built: string[] = [];
  await allSettledOrThrow([
    ...RENDER_CHECK_TOOLS.map((t) => async () => {
      const r = await ensureTool(cache, t, v, opts);
      if (r.built) built.push(`${t} ${(r.ms / 1000).toFixed(0)} s`);
    }),
    () => kubernetesSchemaRoot(v, opts.signal).then(() => undefined),
  ]);
  return [
    built.length > 0,
    built.length ? `built ${built.join(', ')}` : `${RENDER_CHECK_TOOLS.join(', ')} present`,
  ];
}
