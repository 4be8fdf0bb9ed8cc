// Checks of seed task 0-12 (docs): the guides against the CLI and the Makefile, the diagram
// against `tasks.ts graph`, links and the hub.
import fs from 'node:fs';
import path from 'node:path';
import { check, type Check } from '../../engine/task.ts';
import type { PlatformContext } from '../../context.ts';
import {
  brokenLinks, committedDiagram, generatedDiagram, orphanPages, staleErrorQuotes, troubleshootingQuotes, unknownCommands, GUIDE,
} from './docs.ts';

const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');

export async function docsChecks(ctx: PlatformContext): Promise<Check[]> {
  const root = ctx.paths.root;
  const checks: Check[] = [];
  const gs = read(path.join(root, GUIDE, 'getting-started.md'));
  checks.push(check({ proof: 'static',
    id: '0-12.onboarding', criteria: ['0-12.ac1'], title: 'getting-started.md takes a newcomer from clone to a running platform and green tests',
    status: ['git clone', 'make dev-setup', 'make infra-up', 'make test'].every((w) => gs.includes(w)) ? 'pass' : 'fail', evidence: `${GUIDE}/getting-started.md`,
  }));
  const unknown = await unknownCommands(root);
  const names = [...unknown.tasks.map((n) => `tasks.ts ${n.name} (${n.file})`), ...unknown.make.map((n) => `make ${n.name} (${n.file})`)];
  checks.push(check({ proof: 'static',
    id: '0-12.commands', criteria: ['0-12.ac2'], title: 'every tasks.ts command and make target the docs name exists', status: names.length === 0 ? 'pass' : 'fail',
    measured: names.length, threshold: '0', unit: 'unknown names', reason: names.length === 0 ? undefined : names.slice(0, 5).join('; '),
  }));
  const committed = committedDiagram(root);
  const generated = await generatedDiagram(root, ctx.signal).catch((e: Error) => `error: ${e.message.split('\n')[0]}`);
  checks.push(check({ proof: 'static',
    id: '0-12.diagram', criteria: ['0-12.ac3'], title: 'architecture diagram equals `tasks.ts graph --format mermaid`', status: committed !== undefined && committed === generated ? 'pass' : 'fail',
    evidence: `${GUIDE}/architecture-overview.md`, reason: committed === generated ? undefined : 'regenerate: npx tsx scripts/update-architecture-diagram.ts',
  }));
  const quotes = troubleshootingQuotes(root);
  const stale = staleErrorQuotes(root);
  checks.push(check({ proof: 'static',
    id: '0-12.troubleshooting', criteria: ['0-12.ac4'], title: 'troubleshooting.md quotes errors the tool really prints', status: quotes.length >= 8 && stale.length === 0 ? 'pass' : 'fail',
    measured: quotes.length, threshold: '>= 8, none stale', unit: 'errors', reason: stale.length === 0 ? undefined : `no longer printed: ${stale.slice(0, 3).join('; ')}`,
  }));
  const faq = read(path.join(root, GUIDE, 'faq.md'));
  const questions = (faq.match(/^### /gm) ?? []).length;
  checks.push(check({ proof: 'static', id: '0-12.faq', criteria: ['0-12.ac5'], title: 'faq.md answers frequent questions', status: questions >= 8 ? 'pass' : 'fail', measured: questions, threshold: '>= 8', unit: 'questions' }));
  const broken = brokenLinks(root);
  const orphans = orphanPages(root);
  checks.push(check({ proof: 'static',
    id: '0-12.navigation', criteria: ['0-12.ac6'], title: 'every relative link resolves and the hub links every page', status: broken.length + orphans.length === 0 ? 'pass' : 'fail',
    measured: broken.length + orphans.length, threshold: '0', unit: 'problems',
    reason: broken.length + orphans.length === 0 ? undefined : [...broken.slice(0, 3).map((b) => `${b.file}:${b.line} → ${b.target}`), ...orphans.map((o) => `not linked from the hub: ${o}`)].join('; '),
  }));
  return checks;
}
