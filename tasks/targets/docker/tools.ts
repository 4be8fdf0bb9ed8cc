// The command-line tools the Docker paths need, the one-line prerequisite error when one is
// missing, and the installer setup (seed task 0-1) calls for k3d and Helm.
import { constants as fsc } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { UsageError } from '../../engine/task.ts';
import type { ToolRequirement } from '../target.ts';

export type DockerTool = 'docker' | 'k3d' | 'kubectl' | 'helm';

/** Pinned: the same versions the static checks validate against (k3d's v1alpha5 schema). */
export const K3D_VERSION = 'v5.9.0';
export const HELM_VERSION = 'v4.0.0';
export const K3D_GO_PACKAGE = `github.com/k3d-io/k3d/v5@${K3D_VERSION}`;
export const HELM_GO_PACKAGE = `helm.sh/helm/v4/cmd/helm@${HELM_VERSION}`;

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
    install: `run \`npx tsx tasks.ts setup\` (builds it with \`go install ${K3D_GO_PACKAGE}\`) or see https://k3d.io/#installation`,
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
    install: `run \`npx tsx tasks.ts setup\` (builds it with \`go install ${HELM_GO_PACKAGE}\`) or see https://helm.sh/docs/intro/install/`,
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

/**
 * Installs k3d and Helm where missing (seed 0-1: "installs k3d / Helm if not present"), by
 * building the pinned releases from the Go module proxy into GOBIN (default: $(go env GOPATH)/bin).
 * Docker and kubectl are checked, never installed: they need the system's package manager.
 * For setup (issue 9): `await installDockerTools({ signal, log })`.
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
  const env = opts.gobin ? { GOBIN: opts.gobin } : {};
  for (const [tool, pkg] of [
    ['k3d', K3D_GO_PACKAGE],
    ['helm', HELM_GO_PACKAGE],
  ] as const) {
    const found = await which(tool);
    if (found) {
      results.push({ tool, action: 'present', detail: found });
      continue;
    }
    if (!(await which('go'))) {
      results.push({ tool, action: 'skipped', detail: `Go is not installed; ${TOOLS[tool].install}` });
      continue;
    }
    log(`go install ${pkg}`);
    const r = await execa('go', ['install', pkg], {
      env,
      reject: false,
      all: true,
      cancelSignal: opts.signal,
    });
    if (r.exitCode !== 0) {
      const last = (r.all ?? '').trim().split('\n').slice(-3).join(' | ');
      throw new Error(`go install ${pkg} failed (exit ${r.exitCode}): ${last}`);
    }
    const gobin =
      opts.gobin ??
      path.join((await execa('go', ['env', 'GOPATH'])).stdout.trim().split(path.delimiter)[0]!, 'bin');
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
