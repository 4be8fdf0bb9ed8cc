// Writes the image lines of manifests/compose/.env.docker from manifests/versions.yaml (the one
// place for versions); the Compose files interpolate them. `--check` changes nothing and exits 1
// when the env file is out of date.  Usage: npx tsx scripts/sync-versions.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../tasks/paths.ts';
import { COMPOSE_ENV_FILE, loadVersions, withImageBlock } from '../tasks/config/versions.ts';

const file = path.join(REPO_ROOT, COMPOSE_ENV_FILE);
const current = readFileSync(file, 'utf8');
const wanted = withImageBlock(current, loadVersions());
if (current === wanted) {
  console.log(`${COMPOSE_ENV_FILE}: images match manifests/versions.yaml`);
} else if (process.argv.includes('--check')) {
  console.error(
    `${COMPOSE_ENV_FILE}: images differ from manifests/versions.yaml; run: npx tsx scripts/sync-versions.ts`,
  );
  process.exitCode = 1;
} else {
  writeFileSync(file, wanted);
  console.log(`${COMPOSE_ENV_FILE}: image lines rewritten from manifests/versions.yaml`);
}
