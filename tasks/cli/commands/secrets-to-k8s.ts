// `tasks.ts secrets-to-k8s`: the secret settings from `.env` as a Kubernetes Secret, printed to
// stdout or applied with kubectl. It never writes a file, and refuses a stdout redirected into
// the repository, so the Secret cannot end up committed.
import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from '../command.ts';
import { UsageError } from '../../engine/task.ts';
import { REPO_ROOT } from '../../paths.ts';
import { redact } from '../../config/redact.ts';

/** Where stdout goes, when it is a file (Linux /proc); undefined for a pipe or terminal. */
function stdoutFile(): string | undefined {
  try {
    const target = fs.readlinkSync('/proc/self/fd/1');
    return target.startsWith('/') && fs.statSync(target).isFile() ? target : undefined;
  } catch {
    return undefined;
  }
}

export const secretsToK8sCommand = defineCommand({
  name: 'secrets-to-k8s',
  summary: 'render the .env secrets as the Kubernetes Secret app-secrets (stdout), or apply it with kubectl',
  usage: 'secrets-to-k8s [--apply] [--namespace services] [--name app-secrets] [--env-file .env]',
  options: {
    apply: { type: 'boolean', description: 'pipe the Secret to `kubectl apply -f -` instead of printing it' },
    namespace: { type: 'string', description: 'namespace of the Secret', default: 'services' },
    name: { type: 'string', description: 'name of the Secret', default: 'app-secrets' },
    'env-file': { type: 'string', description: 'settings file to read', default: '.env' },
  },
  run: async (args, io) => {
    const { loadSettings, SECRET_KEYS } = await import('../../config/settings.ts');
    const { renderSecret } = await import('../../config/k8s-secret.ts');
    const v = args.values;
    const file = typeof v['env-file'] === 'string' ? v['env-file'] : '.env';
    const abs = path.resolve(REPO_ROOT, file);
    if (!fs.existsSync(abs))
      throw new UsageError(
        `secrets-to-k8s: ${file} not found; run \`make dev-setup\` to create it from .env.example`,
      );
    const settings = loadSettings({ root: path.dirname(abs), file: path.basename(abs) });
    const present = SECRET_KEYS.filter((k) => settings[k] !== undefined);
    if (present.length === 0)
      throw new UsageError(
        `secrets-to-k8s: ${file} sets none of the secret keys (${SECRET_KEYS.join(', ')})`,
      );
    const yaml = renderSecret(settings, {
      name: typeof v.name === 'string' ? v.name : undefined,
      namespace: typeof v.namespace === 'string' ? v.namespace : undefined,
    });
    if (v.apply) {
      const { execa } = await import('execa');
      const r = await execa('kubectl', ['apply', '-f', '-'], {
        input: yaml,
        reject: false,
        all: true,
        cancelSignal: io.signal,
      });
      const tail = redact((r.all ?? '').trim());
      if (r.exitCode !== 0) {
        io.err(
          `secrets-to-k8s: kubectl apply failed (exit ${r.exitCode ?? '?'}): ${tail.split('\n').pop() ?? ''}; is the cluster up (make cluster-create)?`,
        );
        return 1;
      }
      io.out(tail);
      io.event({ type: 'secret-applied', keys: present });
      return 0;
    }
    const dest = stdoutFile();
    if (dest && (dest === REPO_ROOT || dest.startsWith(REPO_ROOT + path.sep))) {
      throw new UsageError(
        `secrets-to-k8s: refusing to write the Secret into the repository (stdout is ${path.relative(REPO_ROOT, dest)}); pipe it to kubectl or use --apply`,
      );
    }
    // The manifest is the requested output; its values are base64, so redaction leaves them intact.
    io.out(yaml.trimEnd());
    io.err(
      `secrets-to-k8s: rendered ${present.length} keys (${present.join(', ')}) as ${String(v.namespace ?? 'services')}/${String(v.name ?? 'app-secrets')}`,
    );
    return 0;
  },
});
