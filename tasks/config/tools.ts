// Tool probing for `doctor` and the 0-1 verify step: which command-line tools a target needs,
// which version is installed, and how to get what is missing. Versions are compared by their
// numeric parts (`17.0.15` >= `17`); a tool whose command fails is missing.
import { execa } from '../lazy-execa.ts';
import type { Target, ToolRequirement } from '../targets/target.ts';
import { resolvePaths } from '../paths.ts';
import { gitleaksPath } from './gitleaks.ts';
import { loadVersions } from './versions.ts';
import { atLeast, parseVersion } from './version-compare.ts';

export type ToolStatus = 'ok' | 'too old' | 'missing' | 'on first use';

/** A row that needs nothing done: present and new enough, or built when first needed. */
export const toolReady = (r: Pick<ToolRow, 'status'>) => r.status === 'ok' || r.status === 'on first use';

export interface ToolRow {
  name: string;
  required: string;
  found: string;
  status: ToolStatus;
  install: string;
}

/** Tools every target needs: the orchestrator itself, git hooks and the secret scanner they run. */
export function commonTools(env: NodeJS.ProcessEnv = process.env): ToolRequirement[] {
  const cache = resolvePaths(env).cache;
  const { node, go } = loadVersions();
  return [
    { name: 'node', min: node.minimum, versionCmd: ['node', '--version'], install: `scripts/ensure-node.sh provides Node ${node.version} in .tools/node (make dev-setup runs it)` },
    { name: 'npm', min: '10', versionCmd: ['npm', '--version'], install: 'comes with Node (scripts/ensure-node.sh)' },
    { name: 'git', min: '2.30', versionCmd: ['git', '--version'], install: 'apt-get install git' },
    { name: 'go', min: go.minimum, versionCmd: ['go', 'version'], install: `scripts/ensure-go.sh provides Go ${go.version} in .tools/go (make does it for you)` },
    // `go install` builds print no version; the installer's stamp file records it.
    {
      name: 'gitleaks',
      min: '8.19',
      versionCmd: ['sh', '-c', '"$0" version >/dev/null && cat "$0.version"', gitleaksPath(cache)],
      install: 'make dev-setup (scripts/install-git-hooks.sh builds it into .tools/cache/bin)',
      firstUse: 'not built yet: the first commit or verify builds it (or make dev-setup)',
    },
  ];
}

/** What k3d and compose need when their target file declares no tools of its own. */
export const DOCKER_TOOLS: Record<'k3d' | 'compose', ToolRequirement[]> = {
  k3d: [
    { name: 'docker engine', min: '20.10', versionCmd: ['docker', 'info', '--format', '{{.ServerVersion}}'], install: 'install Docker Engine or Docker Desktop and start it (https://docs.docker.com/engine/install/)' },
    { name: 'k3d', min: '5.6', versionCmd: ['k3d', 'version'], install: 'curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash' },
    { name: 'kubectl', min: '1.28', versionCmd: ['kubectl', 'version', '--client'], install: 'https://kubernetes.io/docs/tasks/tools/' },
    { name: 'helm', min: '3.12', versionCmd: ['helm', 'version', '--short'], install: 'https://helm.sh/docs/intro/install/' },
  ],
  compose: [
    { name: 'docker engine', min: '20.10', versionCmd: ['docker', 'info', '--format', '{{.ServerVersion}}'], install: 'install Docker Engine or Docker Desktop and start it (https://docs.docker.com/engine/install/)' },
    { name: 'docker compose', min: '2.20', versionCmd: ['docker', 'compose', 'version', '--short'], install: 'the Docker Compose plugin (https://docs.docker.com/compose/install/)' },
  ],
};

/** Common tools plus the target's own; a Docker target without a list gets DOCKER_TOOLS. */
export function toolsFor(target: Pick<Target, 'name' | 'tools'>, env: NodeJS.ProcessEnv = process.env): ToolRequirement[] {
  const own = target.tools.length > 0 || target.name === 'native' ? target.tools : DOCKER_TOOLS[target.name];
  // A docker client alone is not enough: the Docker targets need an engine that answers.
  const engine = target.name === 'native' ? [] : DOCKER_TOOLS[target.name].filter((t) => t.name === 'docker engine');
  const seen = new Set<string>();
  return [...commonTools(env), ...own, ...engine].filter((t) => (seen.has(t.name) ? false : (seen.add(t.name), true)));
}

export { atLeast, parseVersion } from './version-compare.ts';

export async function probe(t: ToolRequirement, signal?: AbortSignal): Promise<ToolRow> {
  const [cmd, ...args] = t.versionCmd;
  const r = await execa(cmd, args, { reject: false, timeout: 10_000, all: true, ...(signal ? { cancelSignal: signal } : {}) });
  const base = { name: t.name, required: t.min ? `>= ${t.min}` : 'any', install: t.install };
  if (r.exitCode !== 0 || r.failed)
    return t.firstUse
      ? { ...base, found: '-', status: 'on first use', install: t.firstUse }
      : { ...base, found: '-', status: 'missing' };
  // `go install` builds of gitleaks print no version; present and runnable is what counts.
  const found = parseVersion(r.all ?? '') ?? 'present';
  const status: ToolStatus = t.min && found !== 'present' && !atLeast(found, t.min) ? 'too old' : 'ok';
  return { ...base, found, status };
}

export async function probeAll(tools: ToolRequirement[], signal?: AbortSignal): Promise<ToolRow[]> {
  return Promise.all(tools.map((t) => probe(t, signal)));
}

/** Fixed-width table; `how to get it` only where something is wrong. */
export function formatTable(rows: ToolRow[]): string[] {
  const head = ['tool', 'required', 'found', 'status', 'how to get it'];
  const cells = rows.map((r) => [r.name, r.required, r.found, r.status, r.status === 'ok' ? '' : r.install]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...cells.map(line)];
}
