// The docs against the real tool: relative links resolve, every `tasks.ts` command and `make`
// target they name exists (CLI registry + Makefile), the hub links every page, the quoted error
// fragments are still printed by the source, and the architecture diagram is the real graph.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../../tasks/paths.ts';
import {
  brokenLinks, committedDiagram, generatedDiagram, makeTargets, orphanPages, staleErrorQuotes, troubleshootingQuotes, unknownCommands, GUIDE,
} from '../../tasks/phase0/12-docs/docs.ts';

const PAGES = ['README.md', 'getting-started.md', 'architecture-overview.md', 'daily-workflow.md', 'troubleshooting.md', 'faq.md', 'glossary.md',
  'makefile-commands.md', 'ci-cd-pipeline.md', 'kubernetes-cluster.md', 'event-bus.md', 'secrets-management.md', 'azure-key-vault-migration.md'];

test('the guide has every page the issue lists', () => {
  const missing = PAGES.filter((p) => !fs.existsSync(path.join(REPO_ROOT, GUIDE, p)));
  assert.equal(missing, []);
});

test('every relative link in docs/ and README.md resolves', () => {
  const broken = brokenLinks(REPO_ROOT).map((b) => `${b.file}:${b.line} → ${b.target}`);
  assert.equal(broken, []);
});

test('the link checker reports a broken link with file and line (it can fail)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'devflow-docs-'));
  try {
    fs.mkdirSync(path.join(root, 'docs'));
    fs.writeFileSync(path.join(root, 'docs', 'a.md'), '# A\n\nsee [b](b.md) and [web](https://example.com)\n\n```\n[x](in-code.md)\n```\n[c](a.md#top)\n');
    assert.equal(brokenLinks(root), [{ file: 'docs/a.md', line: 3, target: 'b.md' }]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('every tasks.ts command and make target named in the docs exists', async () => {
  assert.ok(makeTargets(REPO_ROOT).has('dev-setup'), 'the Makefile parses');
  const unknown = await unknownCommands(REPO_ROOT);
  assert.equal(unknown.tasks.map((n) => `tasks.ts ${n.name} (${n.file})`), []);
  assert.equal(unknown.make.map((n) => `make ${n.name} (${n.file})`), []);
});

test('the hub links every page of the guide', () => {
  assert.equal(orphanPages(REPO_ROOT), []);
});

test('troubleshooting quotes at least 8 errors, each still printed by the source', () => {
  assert.ok(troubleshootingQuotes(REPO_ROOT).length >= 8);
  assert.equal(staleErrorQuotes(REPO_ROOT), []);
});

test('the committed architecture diagram is `tasks.ts graph --format mermaid`', async () => {
  const committed = committedDiagram(REPO_ROOT);
  assert.ok(committed, 'architecture-overview.md has the generated diagram block');
  const generated = await generatedDiagram(REPO_ROOT);
  assert.match(generated, /^graph LR\n/);
  assert.is(committed, generated, 'regenerate with: npx tsx scripts/update-architecture-diagram.ts');
});

test.run();
