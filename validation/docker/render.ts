// The Docker paths proven with the real charts and the real tools, without Docker: every Helm
// release rendered by the pinned helm from the pinned chart, every rendered object and plain
// manifest validated by kubeconform -strict against the Kubernetes version k3d starts (and the
// charts' CRDs), values keys the charts do not define, the k3d config through k3d's own loader,
// the Compose files through compose-go with the environment `up` uses, and every program a
// health check runs found in its image. Each part lives in its own module; this one runs them in
// order, since later parts check what earlier ones rendered.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeConfigPart } from './compose-config.ts';
import { renderReleases, valuesKeysPart } from './helm-render.ts';
import { k3dConfigPart } from './k3d-config.ts';
import { kubeconformPart, plainManifests } from './kubeconform.ts';
import { tool, type Part, type RenderInputs } from './parts.ts';
import { probesPart } from './program-uses.ts';

export { composeError } from './compose-config.ts';
export type { ComposeInvocation, Part, RenderInputs } from './parts.ts';

export async function runDockerPathChecks(inputs: RenderInputs): Promise<Part[]> {
  const parts: Part[] = [];
  const want = (...ids: Part['id'][]) => !inputs.only || ids.some((i) => inputs.only!.includes(i));
  const push = (p: Part) => {
    if (want(p.id)) parts.push(p);
  };
  const helm = await tool(inputs, 'helm');
  const work = mkdtempSync(path.join(os.tmpdir(), 'docker-paths-'));
  try {
    const {
      part: render,
      rendered,
      objectCount,
    } = await renderReleases(inputs, helm, !want('render', 'kubeconform', 'probes'));
    push(render);
    push(await valuesKeysPart(inputs, helm, work, !want('values-keys')));
    const plain = await plainManifests(inputs, work, !want('kubeconform', 'probes'));
    push(await kubeconformPart(inputs, work, rendered, objectCount, plain, !want('kubeconform')));
    push(await k3dConfigPart(inputs, !want('k3d-config')));
    const compose = await composeConfigPart(inputs, !want('compose-config', 'probes'));
    push(compose.part);
    push(await probesPart(inputs.versions, work, compose.uses, rendered, plain.files));
    return parts;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
