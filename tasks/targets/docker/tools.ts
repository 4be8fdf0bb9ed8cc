// The command-line tools the Docker paths need, the one-line prerequisite error when one is
// missing, and the installer setup (seed task 0-1) calls for k3d and Helm.
import { constants as fsc } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../../engine/task.ts';
import type { ToolRequirement } from '../target.ts';
import { loadVersions } from '../../config/versions.ts';
import { requireGo } from '../../config/go.ts';

export type DockerTool = 'docker' | 'k3d' | 'kubectl' | 'helm';

/** Pinned in manifests/versions.yaml: the same versions the render checks run. */
const PINS = loadVersions().tools;
export const K3D_VERSION = PINS.k3d.version;
export const HELM_VERSION = PINS.helm.version;
export const K3D_GO_PACKAGE = `${PINS.k3d.package}@${K3D_VERSION}`;
export const HELM_GO_PACKAGE = `${PINS.helm.package}@${HELM_VERSION}`;

export const TOOLS: Record<DockerTool, ToolRequirement> = {
  docker: {
    name: 'docker',
    versionCmd: ['docker', 'version', '--format', '{{.Client.Version}}'],
    install:
      'install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop, then start it',
  },
  k3d: {
    name: 'k3d',
    min: K3D_VERSION,
    versionCmd: ['k3d', 'version'],
    install: `run \`npx tsx tasks.ts dev-setup\` (builds it with \`go install ${K3D_GO_PACKAGE}\`) or see https://k3d.io/#installation`,
  },
  kubectl: {
    name: 'kubectl',
    versionCmd: ['kubectl', 'version', '--client'],
    install:
      'install kubectl (https://kubernetes.io/docs/tasks/tools/) or `apt-get install kubectl` from the Kubernetes apt repo',
  },
  helm: {
    name: 'helm',
    min: HELM_VERSION,
    versionCmd: ['helm', 'version', '--short'],
    install: `run \`npx tsx tasks.ts dev-setup\` (builds it with \`go install ${HELM_GO_PACKAGE}\`) or see https://helm.sh/docs/intro/install/`,
  },
};

/** Full path of an executable on PATH, or undefined. */
export async function which(name: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const p = path.join(dir, name);
    if (
      await access(p, fsc.X_OK).then(
        () => true,
        () => false,
      )
    )
      return p;
  }
  return undefined;
}

/** Throws a UsageError (exit 2) naming the first missing tool and how to get it. */
export async function requireTools(tools: readonly DockerTool[], target: string): Promise<void> {
  for (const t of tools) {
    if (!(await which(t))) {
      throw new UsageError(`${t} not found on PATH (needed by the ${target} target): ${TOOLS[t].install}`);
    }
  }
}

export interface InstallResult {
  tool: DockerTool;
  action: 'present' | 'installed' | 'skipped';
  detail: string;
}

/** Module and package to build per tool (a module proxy serves modules; the binary is a package in it). */
const GO_BUILDS = {
  k3d: { module: `${PINS.k3d.module}@${K3D_VERSION}`, pkg: PINS.k3d.package },
  helm: { module: `${PINS.helm.module}@${HELM_VERSION}`, pkg: PINS.helm.package },
} as const;

const tailOf = (text: string | undefined) => (text ?? '').trim().split('\n').slice(-3).join(' | ');

/**
 * Builds one tool from the Go module proxy into `gobin`. `go install pkg@version` first; if the
 * proxy refuses the version list it consults for deprecation notices (some mirrors serve
 * versions but not lists), the same pinned version is built inside a throwaway module instead.
 */
async function goBuild(
  tool: 'k3d' | 'helm',
  gobin: string,
  signal: AbortSignal | undefined,
  log: (l: string) => void,
) {
  const b = GO_BUILDS[tool];
  const version = b.module.split('@')[1]!;
  await requireGo(`building ${tool} ${version}`);
  log(`go install ${b.pkg}@${version}`);
  const direct = await execa('go', ['install', `${b.pkg}@${version}`], {
    env: { GOBIN: gobin },
    reject: false,
    all: true,
    cancelSignal: signal,
  });
  if (direct.exitCode === 0) return;
  log(`go install failed (${tailOf(direct.all)}); building ${b.module} in a temporary module`);
  const dir = await mkdtemp(path.join(os.tmpdir(), `build-${tool}-`));
  try {
    for (const args of [
      ['mod', 'init', `build/${tool}`],
      // The package, not only its module: `go get module@v` leaves the package's own
      // dependencies out of go.sum and the build then fails ("missing go.sum entry").
      ['get', `${b.pkg}@${version}`],
      ['build', '-o', path.join(gobin, tool), b.pkg],
    ]) {
      const r = await execa('go', args, { cwd: dir, reject: false, all: true, cancelSignal: signal });
      if (r.exitCode !== 0) {
        throw new Error(
          `building ${tool} ${version} failed at \`go ${args.join(' ')}\` (exit ${r.exitCode}): ${tailOf(r.all)}`,
        );
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Installs k3d and Helm where missing (seed 0-1: "installs k3d / Helm if not present"), by
 * building the pinned releases from the Go module proxy into GOBIN (default: $(go env GOPATH)/bin,
 * which must be on PATH). Docker and kubectl are checked, never installed: they need the system's
 * package manager. For setup (issue 9): `await installDockerTools({ signal, log })`.
 */
export async function installDockerTools(
  opts: {
    signal?: AbortSignal;
    log?: (line: string) => void;
    gobin?: string;
  } = {},
): Promise<InstallResult[]> {
  const log = opts.log ?? (() => undefined);
  const results: InstallResult[] = [];
  for (const tool of ['k3d', 'helm'] as const) {
    const found = await which(tool);
    if (found) {
      results.push({ tool, action: 'present', detail: found });
      continue;
    }
    if (!(await which('go'))) {
      results.push({ tool, action: 'skipped', detail: `Go is not installed; ${TOOLS[tool].install}` });
      continue;
    }
    const gobin =
      opts.gobin ??
      path.join((await execa('go', ['env', 'GOPATH'])).stdout.trim().split(path.delimiter)[0]!, 'bin');
    await goBuild(tool, gobin, opts.signal, log);
    results.push({ tool, action: 'installed', detail: path.join(gobin, tool) });
  }
  for (const tool of ['docker', 'kubectl'] as const) {
    const found = await which(tool);
    results.push(
      found
        ? { tool, action: 'present', detail: found }
        : { tool, action: 'skipped', detail: TOOLS[tool].install },
    );
  }
  return results;
}
