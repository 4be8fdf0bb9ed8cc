// The probes part: every health check, exec probe and in-container command (Compose services,
// rendered Helm objects, plain manifests) must run a program its image contains.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Versions } from '../../tasks/config/versions.ts';
import { probeProblems, type ProbeUse } from './probes.ts';
import { docs, rel, timed, type Doc, type Part, type Rendered } from './parts.ts';

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

export async function probesPart(
  versions: Versions,
  work: string,
  composeUses: readonly ProbeUse[],
  rendered: readonly Rendered[],
  plainFiles: readonly string[],
): Promise<Part> {
  const [probeList, probesMs] = await timed(async () => {
    const uses = [...composeUses];
    for (const r of rendered) uses.push(...k8sUses(docs(r.text), `${r.chart} rendered`, true));
    for (const f of plainFiles)
      uses.push(
        ...k8sUses(docs(readFileSync(f, 'utf8')), f.startsWith(work) ? path.basename(f) : rel(f), true),
      );
    // Uses in services built from this repository (demo) are checked against their Dockerfile's entry.
    return { problems: probeProblems(uses, versions.images), count: uses.length };
  });
  return {
    id: 'probes',
    title: 'Every health check and in-container command runs a program its image contains',
    ok: probeList.problems.length === 0,
    evidence: `${probeList.count} health checks, exec probes and command overrides against the probe programs recorded per image in manifests/versions.yaml`,
    problems: probeList.problems,
    ms: probesMs,
  };
}
