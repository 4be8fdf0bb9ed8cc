// Renders manifests/k8s/infra/redpanda/topics.txt (read by the k3d topic Job and the compose
// redpanda-init service) from the one typed topic list, tasks/topics.ts. A unit test fails when
// the committed file differs; `npx tsx tasks/targets/docker/topics-manifest.ts --write` regenerates it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../../paths.ts';
import { SEED_TOPICS, type TopicSpec } from '../../topics.ts';

export const TOPICS_FILE = path.join(REPO_ROOT, 'manifests/k8s/infra/redpanda/topics.txt');

export function renderTopicsFile(topics: readonly TopicSpec[] = SEED_TOPICS): string {
  return [
    '# Generated from tasks/topics.ts by `npx tsx tasks/targets/docker/topics-manifest.ts --write`; do not edit.',
    '# name partitions replicas',
    ...topics.map((t) => `${t.name} ${t.partitions} ${t.replicationFactor}`),
    '',
  ].join('\n');
}

/** The topics a topics.txt lists, as create-topics.sh reads them (comments and blank lines skipped). */
export function parseTopicsFile(text: string): TopicSpec[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [name, partitions, replicas] = l.split(/\s+/);
      return { name: name!, partitions: Number(partitions), replicationFactor: Number(replicas) };
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const want = renderTopicsFile();
  if (process.argv.includes('--write')) {
    writeFileSync(TOPICS_FILE, want);
    console.log(`wrote ${path.relative(REPO_ROOT, TOPICS_FILE)} (${SEED_TOPICS.length} topics)`);
  } else {
    const same = readFileSync(TOPICS_FILE, 'utf8') === want;
    console.log(
      same ? 'topics.txt is up to date' : 'topics.txt differs from tasks/topics.ts: run with --write',
    );
    process.exitCode = same ? 0 : 1;
  }
}
