// The Compose files, in a leaf so the target and its checks share them without a cycle.
export const ENV_FILE = 'manifests/compose/.env.docker';
export const INFRA_FILE = 'manifests/compose/docker-compose.infra.yml';
export const FULL_FILE = 'manifests/compose/docker-compose.yml';
