// What every Docker-path check shares: its inputs, the shape of its result (a Part), the pinned
// tools it runs, and the YAML documents of a rendered or plain manifest.
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Versions } from '../../tasks/config/versions.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { ensureTool, type CheckTool } from '../../tasks/config/render-tools.ts';
import type { ChartSource } from './charts.ts';

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

/** One Helm release as helm template rendered it. */
export interface Rendered {
  release: string;
  chart: string;
  values: string;
  source: ChartSource;
  text: string;
}

export type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const rel = (p: string) => path.relative(REPO_ROOT, p) || p;
export const lastLines = (t: string | undefined, n = 2) => (t ?? '').trim().split('\n').slice(-n).join(' | ');
export const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await fn();
  return [r, Math.round(performance.now() - t0)];
};

export function docs(text: string): Doc[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => !!d && typeof d === 'object' && typeof d.kind === 'string');
}

/** The path of a pinned tool, built into the cache on first use. */
export async function tool(inputs: RenderInputs, name: CheckTool): Promise<string> {
  const t = await ensureTool(inputs.cache, name, inputs.versions, {
    ...(inputs.signal ? { signal: inputs.signal } : {}),
    ...(inputs.log ? { log: inputs.log } : {}),
    ...(inputs.note ? { note: inputs.note } : {}),
  });
  if (t.built) inputs.log?.(`built ${name} in ${(t.ms / 1000).toFixed(0)} s`);
  return t.path;
}
