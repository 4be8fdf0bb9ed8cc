// Writes the copies of manifests/versions.yaml's pins into the files that cannot read it (the
// Compose env file's image block, the Dockerfiles' NODE_VERSION, the workflows' Node; the list is
// tasks/config/pin-copies.ts). `--check` changes nothing and exits 1 when a copy is out of date.
// Usage: npx tsx scripts/sync-versions.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../tasks/paths.ts';
import { loadVersions, VERSIONS_FILE } from '../tasks/config/versions.ts';
import { PIN_COPIES } from '../tasks/config/pin-copies.ts';
import { UsageError } from '../tasks/engine/task.ts';

const args = process.argv.slice(2);
const check = args.includes('--check');
if (args.some((a) => a !== '--check')) {
  console.error(`sync-versions: unknown argument ${args.find((a) => a !== '--check')}; usage: npx tsx scripts/sync-versions.ts [--check]`);
  process.exit(2);
}
try {
  const v = loadVersions();
  // Rendered first, written after: a file that cannot take its copy leaves every file as it was.
  const changes = PIN_COPIES.flatMap(({ file, render }) => {
    const current = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    const wanted = render(current, v);
    return current === wanted ? [] : [{ file, wanted }];
  });
  if (changes.length === 0) console.log(`${PIN_COPIES.length} files match ${VERSIONS_FILE}`);
  else if (check) {
    for (const c of changes) console.error(`${c.file}: differs from ${VERSIONS_FILE}`);
    console.error('run: npx tsx scripts/sync-versions.ts');
    process.exitCode = 1;
  } else {
    for (const c of changes) {
      writeFileSync(path.join(REPO_ROOT, c.file), c.wanted);
      console.log(`${c.file}: rewritten from ${VERSIONS_FILE}`);
    }
  }
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`sync-versions: ${e.message}`);
  process.exitCode = 2;
}
