// Offline validators for the Docker paths' manifests (no Docker engine runs here):
// - the k3d config schema (v1alpha5) and the Compose Specification schema, both taken from the
//   Go modules that ship them (k3d itself, compose-go), fetched once through the Go module proxy;
// - the Kubernetes OpenAPI-derived JSON schemas from the PyPI package kubernetes-validate,
//   installed once into a venv under .tools/ (gitignored).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { REPO_ROOT } from '../../tasks/paths.ts';

/** Pinned so the schemas cannot drift under the tests. */
export const K3D_MODULE = 'github.com/k3d-io/k3d/v5@v5.9.0';
export const COMPOSE_GO_MODULE = 'github.com/compose-spec/compose-go/v2@v2.16.2';
export const KUBERNETES_VALIDATE = 'kubernetes-validate==1.37.0';
/** Schemas of a current Kubernetes; the manifests use only APIs stable since 1.2x (the cluster runs what k3d picks). */
export const KUBERNETES_VERSION = '1.35.0';

/** Directory of a Go module in the module cache; downloads it through the proxy when absent. */
export async function goModuleDir(moduleAtVersion: string): Promise<string> {
  const r = await execa('go', ['mod', 'download', '-json', moduleAtVersion], {
    reject: false,
    cwd: REPO_ROOT,
    // Outside a module: `go mod download` must not look for a go.mod.
    env: { GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
  });
  const info = JSON.parse(r.stdout || '{}') as { Dir?: string; Error?: string };
  if (!info.Dir) {
    throw new Error(`go mod download ${moduleAtVersion} failed: ${info.Error ?? r.stderr.split('\n')[0]}`);
  }
  return info.Dir;
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export async function k3dConfigValidator(): Promise<ValidateFunction> {
  const dir = await goModuleDir(K3D_MODULE);
  const schema = readJson(path.join(dir, 'pkg/config/v1alpha5/schema.json'));
  // draft-07; `examples`/`default` are annotations, so strict mode is off for them only.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

export async function composeSpecValidator(): Promise<ValidateFunction> {
  const dir = await goModuleDir(COMPOSE_GO_MODULE);
  const schema = readJson(path.join(dir, 'schema/compose-spec.json'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

/** Path of the kubernetes-validate CLI: $KUBERNETES_VALIDATE_BIN, else a venv under .tools/ (created once). */
export async function kubernetesValidateBin(): Promise<string> {
  const fromEnv = process.env.KUBERNETES_VALIDATE_BIN;
  if (fromEnv) return fromEnv;
  const venv = path.join(REPO_ROOT, '.tools', 'kubernetes-validate');
  const bin = path.join(venv, 'bin', 'kubernetes-validate');
  if (existsSync(bin)) return bin;
  // flock: several test processes may get here at once on a fresh clone (where .tools/ may not exist yet).
  mkdirSync(path.dirname(venv), { recursive: true });
  await execa(
    'flock',
    [
      `${venv}.lock`,
      'sh',
      '-c',
      `[ -x "${bin}" ] || { python3 -m venv "${venv}" && "${venv}/bin/pip" install -q "${KUBERNETES_VALIDATE}"; }`,
    ],
    { stdio: 'inherit' },
  );
  return bin;
}

export interface K8sValidation {
  ok: boolean;
  /** One line per object: `passed`/`failed` with its kind/name, as kubernetes-validate prints it. */
  lines: string[];
}

/** Validates every object in a multi-document YAML file, strictly (unknown fields fail). */
export async function validateKubernetes(file: string): Promise<K8sValidation> {
  const bin = await kubernetesValidateBin();
  const r = await execa(bin, ['--strict', '-k', KUBERNETES_VERSION, file], { reject: false, all: true });
  return { ok: r.exitCode === 0, lines: (r.all ?? '').split('\n').filter(Boolean) };
}

/** `kubectl kustomize DIR` (offline; kubectl ships kustomize). */
export async function kustomizeBuild(dir: string): Promise<string> {
  const r = await execa('kubectl', ['kustomize', dir], { reject: false });
  if (r.exitCode === undefined) {
    throw new Error(
      'kubectl not found on PATH: the static checks render manifests with `kubectl kustomize` (apt-get install kubectl)',
    );
  }
  if (r.exitCode !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr.trim()}`);
  return r.stdout;
}
