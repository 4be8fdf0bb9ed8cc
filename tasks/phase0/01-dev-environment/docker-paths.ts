// The Docker paths proven on every target, without Docker (issue 12): the real charts rendered
// by the pinned Helm, validated by kubeconform, the k3d config through k3d's loader and the
// Compose files through compose-go with the env files and settings `up`/`status`/`down` use,
// and every health check against the programs its image contains. Proof: rendered (real tools
// on the real artifacts), never live. Part of 0-1 because it needs only the development tools.
import { check, type Check, UsageError } from '../../engine/task.ts';
import type { PlatformContext } from '../../context.ts';
import {
  COMPOSE_DATA_SERVICES,
  COMPOSE_ENV_FILES,
  COMPOSE_FILES,
  K3D_CLUSTER_CONFIG,
  K3D_KUSTOMIZATIONS,
  K3D_MANIFESTS,
} from '../../config/docker-files.ts';
import { loadVersions } from '../../config/versions.ts';
import { runDockerPathChecks, type Part, type RenderInputs } from '../../../validation/docker/render.ts';

/** The inputs exactly as the Docker targets use them; the settings are what `run` gives docker compose. */
export function dockerPathInputs(
  ctx: Pick<PlatformContext, 'env' | 'paths' | 'signal' | 'log' | 'note'>,
): RenderInputs {
  return {
    versions: loadVersions(ctx.paths.root),
    cache: ctx.paths.cache,
    composeEnv: ctx.env,
    compose: COMPOSE_FILES.map((file) => ({ file, envFiles: [...COMPOSE_ENV_FILES] })),
    k3dConfig: K3D_CLUSTER_CONFIG,
    composeDataServices: COMPOSE_DATA_SERVICES,
    kustomizeDirs: Object.values(K3D_KUSTOMIZATIONS),
    manifestPaths: Object.values(K3D_MANIFESTS),
    signal: ctx.signal,
    log: ctx.log,
    ...(ctx.note ? { note: ctx.note } : {}),
  };
}

/** Seed criteria a part's result proves at the configuration level (the loaders check each fact). */
const CRITERIA: Partial<Record<Part['id'], string[]>> = {
  'k3d-config': ['0-2.ac1', '0-2.ac6', '0-2.ac7'],
  'compose-config': ['0-7.ac4'],
};

/**
 * Real tools (helm, kubeconform, k3d's and compose-go's loaders) on the real files: rendered, never
 * live. The probes part compares the rendered commands with the programs manifests/versions.yaml
 * lists per image by hand: a text comparison, so static.
 */
const proofOf = (id: Part['id']) => (id === 'probes' ? 'static' : 'rendered');

export function partCheck(p: Part): Check {
  return check({
    id: `0-1.docker-paths.${p.id}`,
    title: `Docker paths, ${proofOf(p.id)}: ${p.title}`,
    criteria: CRITERIA[p.id] ?? [],
    status: p.ok ? 'pass' : 'fail',
    proof: proofOf(p.id),
    evidence: p.evidence,
    durationMs: p.ms,
    ...(p.ok
      ? {}
      : {
          reason:
            p.problems.slice(0, 5).join('; ') +
            (p.problems.length > 5 ? `; and ${p.problems.length - 5} more` : ''),
        }),
  });
}

export async function dockerPathChecks(ctx: PlatformContext): Promise<Check[]> {
  try {
    return (await runDockerPathChecks(dockerPathInputs(ctx))).map(partCheck);
  } catch (e) {
    // A tool that cannot be had here (no Go, no mirror and no network) is a skip that says how to get it.
    if (e instanceof UsageError) {
      return [
        check({
          id: '0-1.docker-paths',
          title: 'Docker paths, rendered with the real charts and tools',
          status: 'skip',
          proof: 'rendered',
          reason: e.message,
        }),
      ];
    }
    throw e;
  }
}
