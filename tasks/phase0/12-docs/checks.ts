// Checks of seed task 0-12 (docs), as data: the guides against the CLI and the Makefile, the
// diagram against `tasks.ts graph`, links and the hub; and the documentation criteria of 0-2 and
// 0-7, which hold on every target (target-docs-checks.ts).
import fs from 'node:fs';
import path from 'node:path';
import { defineCheck, type DefinedCheck } from '../../../validation/lib/define-check.ts';
import {
  brokenLinks, committedDiagram, generatedDiagram, orphanPages, staleErrorQuotes, troubleshootingQuotes, unknownCommands, GUIDE,
} from './docs.ts';
import { TARGET_DOCS_CHECKS } from './target-docs-checks.ts';

const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
const STEPS = ['git clone', 'make dev-setup', 'make infra-up', 'make test'];

// 0-12.ac1 needs a person following the guide against a clock: the text shows the steps are
// there, and the report keeps the criterion partial (least proof: running software).
const onboarding = defineCheck(
  { id: '0-12.onboarding', criteria: ['0-12.ac1'], title: 'getting-started.md takes a newcomer from clone to a running platform and green tests', proof: 'static' },
  (_, ctx) => {
    const gs = read(path.join(ctx.paths.root, GUIDE, 'getting-started.md'));
    const missing = STEPS.filter((w) => !gs.includes(w));
    return {
      evidence: `${GUIDE}/getting-started.md names ${STEPS.length - missing.length}/${STEPS.length} steps; what would prove "< 30 minutes following docs": a timed run by a newcomer from a clean clone (0-1.setup-time times dev-setup alone)`,
      problems: missing.length ? [`getting-started.md does not name: ${missing.join(', ')}`] : [],
    };
  },
);

const commands = defineCheck(
  { id: '0-12.commands', criteria: ['0-12.ac2'], title: 'every tasks.ts command and make target the docs name exists', proof: 'static', bound: { below: 1, unit: 'unknown names' } },
  async (_, ctx) => {
    const unknown = await unknownCommands(ctx.paths.root);
    const names = [...unknown.tasks.map((n) => `tasks.ts ${n.name} (${n.file})`), ...unknown.make.map((n) => `make ${n.name} (${n.file})`)];
    return { measured: names.length, threshold: '0', problems: names.length ? [names.slice(0, 5).join('; ')] : [] };
  },
);

const diagram = defineCheck(
  { id: '0-12.diagram', criteria: ['0-12.ac3'], title: 'architecture diagram equals `tasks.ts graph --format mermaid`', proof: 'static' },
  async (_, ctx) => {
    const committed = committedDiagram(ctx.paths.root);
    const generated = await generatedDiagram(ctx.paths.root, ctx.signal).catch((e: Error) => `error: ${e.message.split('\n')[0]}`);
    return {
      evidence: `${GUIDE}/architecture-overview.md`,
      problems: committed !== undefined && committed === generated ? [] : ['regenerate: npx tsx scripts/update-architecture-diagram.ts'],
    };
  },
);

const troubleshooting = defineCheck(
  { id: '0-12.troubleshooting', criteria: ['0-12.ac4'], title: 'troubleshooting.md quotes errors the tool really prints', proof: 'static' },
  (_, ctx) => {
    const quotes = troubleshootingQuotes(ctx.paths.root);
    const stale = staleErrorQuotes(ctx.paths.root);
    return {
      measured: quotes.length,
      unit: 'errors',
      threshold: '>= 8, none stale',
      problems: [
        ...(quotes.length >= 8 ? [] : [`${quotes.length} errors quoted, fewer than 8`]),
        ...(stale.length ? [`no longer printed: ${stale.slice(0, 3).join('; ')}`] : []),
      ],
    };
  },
);

const faq = defineCheck(
  { id: '0-12.faq', criteria: ['0-12.ac5'], title: 'faq.md answers frequent questions', proof: 'static', bound: { atLeast: 8, unit: 'questions' } },
  (_, ctx) => ({ measured: (read(path.join(ctx.paths.root, GUIDE, 'faq.md')).match(/^### /gm) ?? []).length }),
);

const navigation = defineCheck(
  { id: '0-12.navigation', criteria: ['0-12.ac6'], title: 'every relative link resolves and the hub links every page', proof: 'static', bound: { below: 1, unit: 'problems' } },
  (_, ctx) => {
    const broken = brokenLinks(ctx.paths.root);
    const orphans = orphanPages(ctx.paths.root);
    const problems = [...broken.slice(0, 3).map((b) => `${b.file}:${b.line} → ${b.target}`), ...orphans.map((o) => `not linked from the hub: ${o}`)];
    return { measured: broken.length + orphans.length, threshold: '0', problems: problems.length ? [problems.join('; ')] : [] };
  },
);

export const DOCS_CHECKS: readonly DefinedCheck[] = [onboarding, commands, diagram, troubleshooting, faq, navigation, ...TARGET_DOCS_CHECKS];
