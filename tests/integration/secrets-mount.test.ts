// 0-9.ac5's rendered proof (tasks/phase0/09-secrets/k8s-mount.ts) with the pinned kubeconform: the
// repository's Secret and Deployments pass; a copy whose template Deployment no longer takes its
// environment from app-secrets, or whose object kubeconform -strict rejects, fails and says why.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';
import { secretMountProof } from '../../tasks/phase0/09-secrets/k8s-mount.ts';

const cache = resolvePaths(process.env).cache;
const signal = new AbortController().signal;
const TEMPLATE = 'templates/service/k8s/deployment.yaml';

/** A scratch root holding what the proof reads, with the template Deployment edited by `edit`. */
function scratchRoot(edit: (text: string) => string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-mount-test-'));
  for (const rel of ['manifests/versions.yaml', TEMPLATE, 'examples/demo-service/k8s/deployment.yaml']) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    const text = fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8');
    fs.writeFileSync(path.join(root, rel), rel === TEMPLATE ? edit(text) : text);
  }
  return root;
}

test('the repository: Secret and both Deployments valid, each mounts app-secrets', async () => {
  const r = await secretMountProof(REPO_ROOT, cache, signal);
  assert.equal(r.problems, []);
  assert.match(r.evidence, /3 valid/);
  assert.match(r.evidence, /would prove the mount/);
});

test('a template Deployment without the secretRef fails, naming the file', async () => {
  const root = scratchRoot((t) => t.replace(/name: app-secrets/, 'name: other-secrets'));
  try {
    const r = await secretMountProof(root, cache, signal);
    assert.ok(
      r.problems.some((p) => p.startsWith(`${TEMPLATE}: no container has envFrom secretRef app-secrets`)),
      r.problems.join('\n'),
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a field kubeconform -strict does not know fails', async () => {
  const root = scratchRoot((t) =>
    t.replace(/optional: true/, 'optional: true\n                mountPath: /nope'),
  );
  try {
    const r = await secretMountProof(root, cache, signal);
    assert.ok(
      r.problems.some((p) => /Deployment mount-check/.test(p)),
      r.problems.join('\n'),
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test.run();
