// Typed reader of manifests/versions.yaml, the one place for chart, image and tool versions.
// A malformed file is a configuration error (UsageError, exit 2) naming the file and the field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { UsageError } from '../engine/task.ts';
import { REPO_ROOT, resolvePaths } from '../paths.ts';
import { compileCached } from './compiled-schema.ts';

export const VERSIONS_FILE = 'manifests/versions.yaml';

export interface GoTool {
  version: string;
  module: string;
  /** The main package to build; absent for a library pinned only for its code (compose-go). */
  package?: string;
}

export interface Chart {
  version: string;
  /** `helm repo add` name and URL. */
  repo: string;
  url: string;
  release: string;
  /** The project's values file, relative to the repository root. */
  values: string;
  /** What the chart deploys (apps and their versions), for docs and plan output. */
  runs: string;
}

export interface Image {
  image: string;
  /** The variable the Compose files interpolate; absent for an image built from this repository. */
  env?: string;
  /** Programs inside the image a health check may run; empty for a distroless image. */
  probes: string[];
  /** Where `probes` was read (the image's Dockerfile at that tag). */
  source: string;
}

export interface Versions {
  /** The Node the project provisions and builds images on, and the oldest that runs tasks.ts. */
  node: { version: string; minimum: string };
  /** The Go ensure-go.sh provisions (sha256 per platform of the toolchain module zip), and the oldest accepted. */
  go: { version: string; minimum: string; sha256: Record<string, string> };
  kubernetes: { version: string; k3sImage: string };
  tools: {
    helm: GoTool & { package: string };
    kubeconform: GoTool & { package: string };
    k3d: GoTool & { package: string };
    'compose-go': GoTool;
    'kubernetes-validate': { version: string; pypi: string };
  };
  charts: Record<string, Chart>;
  images: Record<string, Image>;
}

const str = { type: 'string', minLength: 1 } as const;
const dotted = (parts: string) => ({ type: 'string', pattern: `^\\d+\\.\\d+${parts}$` }) as const;
const goTool = (withPackage: boolean) => ({
  type: 'object',
  required: ['version', 'module', ...(withPackage ? ['package'] : [])],
  properties: { version: str, module: str, package: str },
  additionalProperties: false,
});

const SCHEMA = {
  type: 'object',
  required: ['node', 'go', 'kubernetes', 'tools', 'charts', 'images'],
  properties: {
    node: {
      type: 'object',
      required: ['version', 'minimum'],
      properties: { version: dotted('\\.\\d+'), minimum: dotted('(\\.\\d+)?') },
      additionalProperties: false,
    },
    go: {
      type: 'object',
      required: ['version', 'minimum', 'sha256'],
      properties: {
        version: dotted('\\.\\d+'),
        minimum: dotted('(\\.\\d+)?'),
        sha256: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^linux-(amd64|arm64)$' },
          additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
      },
      additionalProperties: false,
    },
    kubernetes: {
      type: 'object',
      required: ['version', 'k3sImage'],
      properties: { version: { type: 'string', pattern: '^v\\d+\\.\\d+\\.\\d+$' }, k3sImage: str },
      additionalProperties: false,
    },
    tools: {
      type: 'object',
      required: ['helm', 'kubeconform', 'k3d', 'compose-go', 'kubernetes-validate'],
      properties: {
        helm: goTool(true),
        kubeconform: goTool(true),
        k3d: goTool(true),
        'compose-go': goTool(false),
        'kubernetes-validate': {
          type: 'object',
          required: ['version', 'pypi'],
          properties: { version: str, pypi: str },
          additionalProperties: false,
        },
      },
      // Other paths (e.g. native backends) may add their own tools: pinned by `version`, or by
      // `image`, the images entry whose tag is the release (one pin for the native and Docker paths).
      additionalProperties: {
        type: 'object',
        anyOf: [{ required: ['version'] }, { required: ['image', 'module', 'package'] }],
      },
    },
    charts: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['version', 'repo', 'url', 'release', 'values', 'runs'],
        properties: { version: str, repo: str, url: str, release: str, values: str, runs: str },
        additionalProperties: false,
      },
    },
    images: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['image', 'probes', 'source'],
        properties: {
          image: { type: 'string', pattern: '^[^\\s:]+(:\\d+)?[^\\s:]*:[^\\s:]+$' },
          env: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
          probes: { type: 'array', items: str },
          source: str,
        },
        additionalProperties: false,
      },
    },
  },
  // Further sections (e.g. native backends) belong to their own readers.
  additionalProperties: true,
} as const;

// Compiled once per schema change, not per run (compiled-schema.ts).
let validator: ValidateFunction | undefined;
const validate = (doc: unknown): doc is Versions =>
  (validator ??= compileCached(SCHEMA, {
    options: { allErrors: true },
    keywords: [],
    cacheDir: resolvePaths().cache,
  }))(doc);

/** Parses and checks versions YAML text; `where` names the file in errors. */
export function parseVersions(text: string, where = VERSIONS_FILE): Versions {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new UsageError(`${where}: not valid YAML (${(e as Error).message.split('\n')[0]}); fix the file`);
  }
  if (!validate(doc)) {
    const first = validator!.errors![0]!;
    const at = first.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
    throw new UsageError(`${where}: ${at} ${first.message ?? 'is invalid'}; fix the file`);
  }
  return doc;
}

let cached: Versions | undefined;

/** The repository's versions file (read once per process). */
export function loadVersions(root = REPO_ROOT): Versions {
  if (root !== REPO_ROOT) return parseVersions(readFileSync(path.join(root, VERSIONS_FILE), 'utf8'));
  cached ??= parseVersions(readFileSync(path.join(REPO_ROOT, VERSIONS_FILE), 'utf8'));
  return cached;
}

/** The Kubernetes version without its `v`, as `helm template --kube-version` and kubeconform take it. */
export const kubeVersion = (v: Versions) => v.kubernetes.version.replace(/^v/, '');

/** The chart a Helm release installs, by release name. */
export function chartFor(v: Versions, release: string): Chart & { name: string } {
  const entry = Object.entries(v.charts).find(([, c]) => c.release === release);
  if (!entry)
    throw new UsageError(`${VERSIONS_FILE}: no chart for the Helm release ${release}; add it under charts`);
  return { name: entry[0], ...entry[1] };
}

/** `NAME=image` lines for the Compose env file, in the file's order. */
export function imageEnvLines(v: Versions): string[] {
  return Object.values(v.images).flatMap((i) => (i.env ? [`${i.env}=${i.image}`] : []));
}

/** The Compose env file whose image block is generated from the versions file. */
export { COMPOSE_ENV_FILE } from './docker-files.ts';
const BLOCK_BEGIN =
  '# >>> images: generated from manifests/versions.yaml by `npx tsx scripts/sync-versions.ts`; edit the versions file, not these lines';
const BLOCK_END = '# <<< images';

/** `envText` with its generated image block replaced by (or, if absent, appended with) the current images. */
export function withImageBlock(envText: string, v: Versions): string {
  const block = [BLOCK_BEGIN, ...imageEnvLines(v), BLOCK_END].join('\n');
  const start = envText.indexOf(BLOCK_BEGIN);
  const end = envText.indexOf(BLOCK_END);
  if (start === -1 || end === -1) return `${envText.trimEnd()}\n\n${block}\n`;
  return envText.slice(0, start) + block + envText.slice(end + BLOCK_END.length);
}
