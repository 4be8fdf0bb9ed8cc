// 0-9.ac5 ("Kubernetes can mount secrets"), as far as it can be proven without a cluster: the
// Secret `secrets-to-k8s` renders and the Deployments that must mount it (the service template,
// rendered the way create-service.sh renders it, and the demo service's) are validated together
// by the pinned kubeconform -strict against the Kubernetes version k3d starts, and every
// container's `envFrom.secretRef` is read from the parsed objects (not matched as text) to name
// that Secret in the Secret's namespace. What this cannot show is a pod reading a key from it:
// that needs a cluster (a pod on k3d in ci.yml's Docker job), so the proof is `rendered`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { renderSecret } from '../../config/k8s-secret.ts';
import { SECRET_KEYS } from '../../config/settings.ts';
import { ensureTool, kubernetesSchemaRoot } from '../../config/render-tools.ts';
import { kubeVersion, loadVersions } from '../../config/versions.ts';
import { runKubeconform } from '../../../validation/docker/kubeconform.ts';
import { kubernetesSchemas } from '../../../validation/docker/schemas.ts';

/** The Deployments that mount `app-secrets`, with the placeholders create-service.sh replaces. */
const DEPLOYMENTS = ['templates/service/k8s/deployment.yaml', 'examples/demo-service/k8s/deployment.yaml'];
const PLACEHOLDERS: Record<string, string> = {
  __SERVICE_NAME__: 'mount-check',
  __SERVICE_DESCRIPTION__: '0-9 check',
};

interface K8sObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    template?: { spec?: { containers?: { name?: string; envFrom?: { secretRef?: { name?: string } }[] }[] } };
  };
}

export interface MountProof {
  evidence: string;
  problems: string[];
}

/** Which containers of `d` take their environment from Secret `name`. */
const mounting = (d: K8sObject, name: string) =>
  (d.spec?.template?.spec?.containers ?? []).filter((c) =>
    c.envFrom?.some((e) => e.secretRef?.name === name),
  );

export async function secretMountProof(
  root: string,
  cache: string,
  signal: AbortSignal,
): Promise<MountProof> {
  const v = loadVersions(root);
  const kube = kubeVersion(v);
  // Placeholder values: the check proves the shape, and no real secret is written to a temp file.
  const secretText = renderSecret(Object.fromEntries(SECRET_KEYS.map((k) => [k, 'placeholder'])));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-mount-'));
  try {
    const files = [path.join(work, 'secret.yaml')];
    fs.writeFileSync(files[0]!, secretText);
    for (const rel of DEPLOYMENTS) {
      let text = fs.readFileSync(path.join(root, rel), 'utf8');
      for (const [k, val] of Object.entries(PLACEHOLDERS)) text = text.replaceAll(k, val);
      const f = path.join(work, rel.replaceAll('/', '_'));
      fs.writeFileSync(f, text);
      files.push(f);
    }
    const kubeconform = (await ensureTool(cache, 'kubeconform', v, { signal })).path;
    const objects = files.flatMap((f) =>
      parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS() as K8sObject),
    );
    const { problems, summary } = await runKubeconform({
      bin: kubeconform,
      kube,
      schemas: [kubernetesSchemas(await kubernetesSchemaRoot(v, signal), kube, cache)],
      files,
      expected: objects.length,
      shown: (f) => path.basename(f),
      signal,
    });
    const secret = objects.find((o) => o.kind === 'Secret');
    const name = secret?.metadata?.name ?? '';
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    for (const [i, d] of deployments.entries()) {
      if (mounting(d, name).length === 0)
        problems.push(`${DEPLOYMENTS[i]}: no container has envFrom secretRef ${name}`);
      if (d.metadata?.namespace !== secret?.metadata?.namespace)
        problems.push(
          `${DEPLOYMENTS[i]}: namespace ${d.metadata?.namespace} is not the Secret's ${secret?.metadata?.namespace}`,
        );
    }
    if (deployments.length !== DEPLOYMENTS.length)
      problems.push(`${deployments.length} of ${DEPLOYMENTS.length} Deployments found`);
    return {
      evidence: `kubeconform -strict (Kubernetes ${kube}): Secret ${secret?.metadata?.namespace}/${name} (${SECRET_KEYS.length} keys) + ${DEPLOYMENTS.join(', ')}: ${summary?.valid ?? 0} valid; envFrom secretRef ${name} read from the parsed Deployments. Rendered only: a pod on k3d reading a key from it (ci.yml's Docker job) would prove the mount`,
      problems,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
