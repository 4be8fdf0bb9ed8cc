// Renders the settings marked secret as a Kubernetes Secret (`app-secrets` in `services`), so
// pods mount them as environment variables with `envFrom: [{ secretRef: { name: app-secrets } }]`.
// Values go in `data` (base64), as `kubectl get secret -o yaml` shows them.
import { stringify } from 'yaml';
import { SECRET_KEYS } from './settings.ts';

export interface SecretManifestOptions {
  name?: string;
  namespace?: string;
}

export function renderSecret(
  settings: Readonly<Record<string, string>>,
  opts: SecretManifestOptions = {},
): string {
  const data: Record<string, string> = {};
  for (const k of SECRET_KEYS) {
    const v = settings[k];
    if (v !== undefined && v !== '') data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  return stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: opts.name ?? 'app-secrets',
      namespace: opts.namespace ?? 'services',
      labels: {
        'app.kubernetes.io/part-of': 'example-app',
        'app.kubernetes.io/managed-by': 'tasks.ts-secrets-to-k8s',
      },
    },
    type: 'Opaque',
    data,
  });
}
