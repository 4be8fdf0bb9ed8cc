// The Compose files, in a leaf so the target and its checks share them without a cycle; the
// names live in tasks/config/docker-files.ts, which the target-neutral render checks read too.
export {
  COMPOSE_ENV_FILE as ENV_FILE,
  COMPOSE_INFRA_FILE as INFRA_FILE,
  COMPOSE_FULL_FILE as FULL_FILE,
} from '../../config/docker-files.ts';
