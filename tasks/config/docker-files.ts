// The files the Docker paths hand to docker compose, k3d and kubectl, in one leaf that the
// targets and the target-neutral render checks (tasks/phase0/01-dev-environment) both read: the
// checks load exactly what `up`, `status` and `down` use.

/** docker compose's env file: host ports, and the image block generated from manifests/versions.yaml. */
export const COMPOSE_ENV_FILE = 'manifests/compose/.env.docker';
export const COMPOSE_INFRA_FILE = 'manifests/compose/docker-compose.infra.yml';
export const COMPOSE_FULL_FILE = 'manifests/compose/docker-compose.yml';
/** Every Compose file the compose target runs. */
export const COMPOSE_FILES = [COMPOSE_INFRA_FILE, COMPOSE_FULL_FILE] as const;

/** Compose services whose data lives in a named volume (survives `down`; seed 0-7). */
export const COMPOSE_DATA_SERVICES = ['redpanda', 'prometheus', 'grafana', 'loki', 'tempo'] as const;

/** docker compose's project options for `file`: the env files (in order), then the file. */
export const composeFileArgs = (file: string): string[] => ['--env-file', COMPOSE_ENV_FILE, '--file', file];
/** The env files composeFileArgs passes, in order. */
export const COMPOSE_ENV_FILES = [COMPOSE_ENV_FILE] as const;

export const K3D_CLUSTER_CONFIG = 'manifests/k3d/cluster.yaml';
/** What the k3d target applies with `kubectl apply -k`. */
export const K3D_KUSTOMIZATIONS = {
  namespaces: 'manifests/k8s/namespaces',
  redpanda: 'manifests/k8s/infra/redpanda',
} as const;
/** What the k3d target applies with `kubectl apply -f` (directories: the YAML files in them). */
export const K3D_MANIFESTS = {
  grafana: 'manifests/k8s/infra/grafana',
  prometheusObjects: 'manifests/k8s/infra/prometheus/objects',
  demo: 'examples/demo-service/k8s',
} as const;
