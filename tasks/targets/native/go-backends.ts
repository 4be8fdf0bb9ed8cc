// The native target's Go-built backends, built once from the Go module proxy into the tools cache
// (.tools/cache/bin, beside gitleaks): Jaeger v2 (traces), VictoriaLogs (logs), the log collector
// (an OpenTelemetry Collector made by the Collector Builder), and Prometheus, promtool and
// Alertmanager at the release the Docker paths run (issue 24). Versions come from
// manifests/versions.yaml; the Go module under manifests/native/<dir>/ pins the same version and
// its go.sum. A binary is reused while its stamp file (`<binary>.version`) matches what is pinned.
import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { execa } from '../../lazy-execa.ts';
import type { Paths } from '../../context.ts';
import { UsageError } from '../../engine/task.ts';
import { loadVersions, VERSIONS_FILE } from '../../config/versions.ts';
import { allSettledOrThrow, inBuildSlot, track } from '../../config/activity.ts';
import { runGo } from '../../config/go.ts';

export type BackendName = 'jaeger' | 'victoria-logs' | 'otelcol' | 'prometheus' | 'promtool' | 'alertmanager';
export const BACKEND_NAMES: readonly BackendName[] = [
  'promtool',
  'prometheus',
  'alertmanager',
  'victoria-logs',
  'otelcol',
  'jaeger',
];

interface Pinned {
  /** The Go module's version (what go.mod pins). */
  version: string;
  /** The release the binary reports (without `v`); the module version unless they differ. */
  release: string;
  module: string;
  package: string;
  stable?: string;
  contrib?: string;
  tags?: string[];
}

/** A tools entry as the versions file holds it: pinned by `version`, or by an image's tag. */
type ToolEntry = Partial<Omit<Pinned, 'release'>> & { image?: string };

export interface Backend {
  name: BackendName;
  /** Absolute path of the executable in the tools cache. */
  binary: string;
  /** What the stamp file must say for the cached binary to be reused. */
  stamp: string;
  version: string;
  /** The Go module (or builder manifest) folder, relative to the repository root. */
  moduleDir: string;
  /** What a cold build took here (2 cores), for the progress line. */
  coldBuild: string;
  /** The release it reports (`status`, the version check). */
  release: string;
}

const BINARY: Record<BackendName, string> = {
  jaeger: 'jaeger',
  'victoria-logs': 'victoria-logs',
  otelcol: 'otelcol-platform',
  prometheus: 'prometheus',
  promtool: 'promtool',
  alertmanager: 'alertmanager',
};
const MODULE_DIR: Record<BackendName, string> = {
  jaeger: 'manifests/native/jaeger',
  'victoria-logs': 'manifests/native/victorialogs',
  otelcol: 'manifests/native/otelcol',
  // One module, two tools: prometheus and promtool share its go.mod and build cache.
  prometheus: 'manifests/native/prometheus',
  promtool: 'manifests/native/prometheus',
  alertmanager: 'manifests/native/alertmanager',
};
// Measured on this project's 2-core machines, idle to loaded (see docs/developer-guide/getting-started.md);
// Prometheus' figures at a load average near 20: promtool first compiles what prometheus shares.
const COLD: Record<BackendName, string> = {
  jaeger: '4-17 min',
  'victoria-logs': '15 s-2.5 min',
  otelcol: '2-9 min',
  prometheus: '6-7 min',
  promtool: '13 min',
  alertmanager: '5 min',
};
// The version a binary is stamped with at link time (`-X`), so `--version` says the release.
const PROM_VERSION = 'github.com/prometheus/common/version';
const VERSION_FLAGS: Record<BackendName, (p: Pinned) => string> = {
  jaeger: (p) => `-X github.com/jaegertracing/jaeger/internal/version.latestVersion=${p.version}`,
  'victoria-logs': (p) =>
    `-X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-${p.version}`,
  otelcol: () => '',
  prometheus: (p) => promVersion(p),
  promtool: (p) => promVersion(p),
  alertmanager: (p) => promVersion(p),
};
function promVersion(p: Pinned): string {
  return [`Version=${p.release}`, `Revision=module-${p.version}`, 'Branch=HEAD', 'BuildUser=go-module-proxy']
    .map((kv) => `-X ${PROM_VERSION}.${kv}`)
    .join(' ');
}

/**
 * Files a module's `//go:embed` needs but its published module lacks (generated at release time):
 * Alertmanager embeds its built web UI from ui/app/dist, which its repository (and so the module)
 * no longer carries. Such a module is copied out of the module cache (the content go.sum verified),
 * the file is added, and the build goes through a -modfile that replaces the module with the copy:
 * the repository's go.mod keeps pinning the published version.
 */
const EMBED_PLACEHOLDERS: Partial<Record<BackendName, { file: string; text: string }>> = {
  alertmanager: {
    file: 'ui/app/dist/index.html',
    text:
      '<!doctype html><meta charset="utf-8"><title>Alertmanager</title>' +
      '<p>Alertmanager built from its Go module: no web UI (upstream builds it separately). ' +
      'API: <a href="api/v2/status">/api/v2/status</a>, <a href="api/v2/alerts">/api/v2/alerts</a>.</p>\n',
  },
};

/** The -modfile arguments that build `pin.module` from a patched copy, or none when it needs no patch. */
async function patchedModule(
  name: BackendName,
  pin: Pinned,
  dir: string,
  paths: Paths,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const patch = EMBED_PLACEHOLDERS[name];
  if (!patch) return [];
  // `go mod download` fetches the module when the module cache lacks it (a fresh machine) and says where it is.
  const listed = await go(['mod', 'download', '-json', pin.module], dir, signal, name);
  const moduleDir = (JSON.parse(listed) as { Dir?: string }).Dir;
  if (!moduleDir) throw new Error(`${name}: \`go mod download ${pin.module}\` named no module directory`);
  const work = path.join(paths.cache, 'build', `${name}-${pin.version}`);
  // Module-cache files are read-only: make the old copy writable before removing it.
  await execa('chmod', ['-R', 'u+w', work], { reject: false });
  await fsp.rm(work, { recursive: true, force: true });
  await fsp.mkdir(work, { recursive: true });
  await execa('cp', ['-R', moduleDir, path.join(work, 'src')]);
  await execa('chmod', ['-R', 'u+w', path.join(work, 'src')]);
  const file = path.join(work, 'src', patch.file);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, patch.text);
  const gomod = await fsp.readFile(path.join(dir, 'go.mod'), 'utf8');
  await fsp.writeFile(path.join(work, 'go.mod'), `${gomod}\nreplace ${pin.module} => ${path.join(work, 'src')}\n`);
  await fsp.copyFile(path.join(dir, 'go.sum'), path.join(work, 'go.sum'));
  return [`-modfile=${path.join(work, 'go.mod')}`];
}

/**
 * The module version of a release: Prometheus v3.MM.P is tagged v0.3MM.P in its Go module (its
 * module never took a /v3 path); every other module is tagged with its release.
 */
export function moduleVersion(module: string, release: string): string {
  const m = /^v3\.(\d+)\.(\d+)$/.exec(release);
  if (module === 'github.com/prometheus/prometheus' && m)
    return `v0.3${m[1]!.padStart(2, '0')}.${m[2]}`;
  return release;
}
export const BUILDER_MANIFEST = 'builder-config.yaml';

export const binDir = (paths: Paths) => path.join(paths.cache, 'bin');
export const stampFile = (binary: string) => `${binary}.version`;

export function pinned(name: BackendName, root?: string): Pinned {
  const v = loadVersions(root);
  const tool = (v.tools as unknown as Record<string, ToolEntry | undefined>)[name];
  if (tool?.image && tool.module && tool.package) {
    const ref = v.images[tool.image]?.image;
    const tag = ref?.slice(ref.lastIndexOf(':') + 1);
    if (!tag?.startsWith('v'))
      throw new UsageError(
        `${VERSIONS_FILE}: tools.${name}.image names images.${tool.image}, which has no vX.Y.Z tag; fix the file`,
      );
    const { image: _image, ...rest } = tool;
    return { ...rest, module: tool.module, package: tool.package, version: moduleVersion(tool.module, tag), release: tag.slice(1) };
  }
  if (!tool?.version || !tool.module || !tool.package)
    throw new UsageError(`${VERSIONS_FILE}: tools.${name} needs version (or image), module and package; fix the file`);
  return { ...tool, version: tool.version, module: tool.module, package: tool.package, release: tool.version.replace(/^v/, '') };
}

/** The builder manifest's hash joins the stamp: a changed component list means a new binary. */
async function manifestHash(root: string): Promise<string> {
  const text = await fsp.readFile(path.join(root, MODULE_DIR.otelcol, BUILDER_MANIFEST), 'utf8');
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/**
 * The module's go.sum decides every dependency of the build, not only the tool's own version: a
 * go.mod re-resolved at the same tool version (Jaeger v1.75.0 with v1.76.0's collector modules,
 * which exits at start) must rebuild the cached binary.
 */
async function sumHash(root: string, name: BackendName): Promise<string> {
  const text = await fsp.readFile(path.join(root, MODULE_DIR[name], 'go.sum'), 'utf8').catch(() => '');
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export async function backend(name: BackendName, paths: Paths): Promise<Backend> {
  const pin = pinned(name, paths.root);
  const stamp =
    name === 'otelcol'
      ? `${pin.version} manifest:${await manifestHash(paths.root)}`
      : (pin.tags?.length ? `${pin.version} release:${pin.release} tags:${pin.tags.join(',')}` : pin.version) +
        ` sum:${await sumHash(paths.root, name)}`;
  return {
    name,
    binary: path.join(binDir(paths), BINARY[name]),
    stamp,
    version: pin.version,
    moduleDir: MODULE_DIR[name],
    coldBuild: COLD[name],
    release: pin.release,
  };
}

/** True when the cached binary exists and its stamp says it is the pinned build. */
export async function isCached(b: Backend): Promise<boolean> {
  const stamp = await fsp.readFile(stampFile(b.binary), 'utf8').catch(() => '');
  if (stamp.trim() !== b.stamp) return false;
  return fsp.access(b.binary, fsp.constants.X_OK).then(
    () => true,
    () => false,
  );
}

/**
 * Checks that the Go module (or the builder manifest) pins what manifests/versions.yaml says, so
 * the two can never drift apart silently. Returns the problems, one line each.
 */
export async function pinProblems(name: BackendName, root: string): Promise<string[]> {
  const pin = pinned(name, root);
  const dir = path.join(root, MODULE_DIR[name]);
  const rel = MODULE_DIR[name];
  if (name !== 'otelcol') {
    const gomod = await fsp.readFile(path.join(dir, 'go.mod'), 'utf8').catch(() => '');
    const m = new RegExp(`^\\s*${pin.module.replaceAll('.', '\\.')} (v\\S+)`, 'm').exec(gomod);
    const problems: string[] = [];
    // `tool pkg`, or a line of a `tool ( … )` block.
    if (!new RegExp(`^(tool |\\t)${pin.package.replaceAll('.', '\\.')}$`, 'm').test(gomod))
      problems.push(`${rel}/go.mod has no \`tool ${pin.package}\` line`);
    if (m?.[1] !== pin.version)
      problems.push(
        `${rel}/go.mod pins ${pin.module} ${m?.[1] ?? '(nothing)'} but ${VERSIONS_FILE} says ${pin.version}; run: go -C ${rel} get -tool ${pin.package}@${pin.version}`,
      );
    return problems;
  }
  const problems: string[] = [];
  const gomod = await fsp.readFile(path.join(dir, 'go.mod'), 'utf8').catch(() => '');
  if (!gomod.includes(`${pin.module} ${pin.version}`))
    problems.push(`${rel}/go.mod does not pin ${pin.module} ${pin.version} (${VERSIONS_FILE})`);
  const manifest = await fsp.readFile(path.join(dir, BUILDER_MANIFEST), 'utf8').catch(() => '');
  for (const line of manifest.split('\n')) {
    const g = /gomod:\s*(\S+)\s+(v\S+)/.exec(line);
    if (!g) continue;
    const [, mod = '', ver] = g;
    const want = mod.includes('opentelemetry-collector-contrib')
      ? pin.contrib
      : /\/(confmap\/provider|pdata|component|consumer|pipeline)\b/.test(mod)
        ? pin.stable
        : pin.version;
    if (ver !== want)
      problems.push(
        `${rel}/${BUILDER_MANIFEST}: ${mod} ${ver}, want ${want ?? '?'} (${VERSIONS_FILE} tools.otelcol)`,
      );
  }
  return problems;
}

const go = (args: string[], cwd: string, signal: AbortSignal | undefined, what: string) =>
  runGo(args, { cwd, what, ...(signal ? { signal } : {}) });

/** Builds one backend into the cache (write to a temporary name, rename, then stamp). */
export async function buildBackend(
  b: Backend,
  paths: Paths,
  opts: { signal?: AbortSignal; log: (line: string) => void },
): Promise<{ ms: number }> {
  const problems = await pinProblems(b.name, paths.root);
  if (problems.length) throw new UsageError(problems[0]!);
  const pin = pinned(b.name, paths.root);
  const dir = path.join(paths.root, b.moduleDir);
  await fsp.mkdir(binDir(paths), { recursive: true });
  const tmp = `${b.binary}.tmp-${process.pid}`;
  const t0 = performance.now();
  const label = b.release === b.version.replace(/^v/, '') ? b.version : `v${b.release} (module ${b.version})`;
  opts.log(
    `building ${b.name} ${label} from the Go module proxy into ${binDir(paths)} (once; a cold build takes ${b.coldBuild} on 2 cores)`,
  );
  try {
    if (b.name === 'otelcol') {
      const out = path.join(paths.cache, 'build', 'otelcol-platform');
      await fsp.mkdir(path.dirname(out), { recursive: true });
      // The builder generates the collector's main package from the manifest, then go-builds it.
      await go(
        ['tool', 'builder', `--config=${BUILDER_MANIFEST}`, `--output-path=${out}`],
        dir,
        opts.signal,
        'otelcol',
      );
      await fsp.copyFile(path.join(out, 'otelcol-platform'), tmp);
      await fsp.chmod(tmp, 0o755);
    } else {
      const tags = pin.tags?.length ? ['-tags', pin.tags.join(',')] : [];
      const modfile = await patchedModule(b.name, pin, dir, paths, opts.signal);
      await go(
        ['build', ...modfile, '-trimpath', ...tags, '-ldflags', `-s -w ${VERSION_FLAGS[b.name](pin)}`, '-o', tmp, pin.package],
        dir,
        opts.signal,
        b.name,
      );
    }
    await fsp.rename(tmp, b.binary);
    await fsp.writeFile(stampFile(b.binary), `${b.stamp}\n`);
  } finally {
    await fsp.rm(tmp, { force: true });
  }
  const ms = Math.round(performance.now() - t0);
  opts.log(`built ${b.name} ${label} in ${Math.round(ms / 1000)} s: ${b.binary}`);
  return { ms };
}

/**
 * Builds whichever backends are missing or stale, side by side in the shared build slots (see
 * config/activity.ts), each announced and timed through `note`; quick when all are cached.
 */
export async function installBackends(
  paths: Paths,
  opts: {
    signal?: AbortSignal;
    log: (line: string) => void;
    note?: (line: string) => void;
    only?: readonly BackendName[];
  },
): Promise<Record<BackendName, 'cached' | 'built'>> {
  const out = {} as Record<BackendName, 'cached' | 'built'>;
  const note = opts.note ?? opts.log;
  await allSettledOrThrow(
    (opts.only ?? BACKEND_NAMES).map((name) => async () => {
      const b = await backend(name, paths);
      if (await isCached(b)) {
        out[name] = 'cached';
        return;
      }
      await inBuildSlot(() =>
        track(note, `building ${b.name} ${b.version} (Go; cold ${b.coldBuild})`, () => buildBackend(b, paths, opts)),
      );
      out[name] = 'built';
    }),
  );
  return out;
}

/** The one-line error when `up` finds a backend not built yet. */
export async function requireBackend(name: BackendName, paths: Paths): Promise<Backend> {
  const b = await backend(name, paths);
  if (!(await isCached(b)))
    throw new UsageError(
      `${name} ${b.version} is not built in ${binDir(paths)}; run: npx tsx tasks.ts dev-setup (builds it from ${b.moduleDir})`,
    );
  return b;
}
