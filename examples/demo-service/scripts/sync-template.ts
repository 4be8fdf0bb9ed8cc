// Brings the demo back in line with templates/service after the template changed: re-renders the
// template for `demo-service` and overwrites every template file here except the ones the demo
// replaces (DEMO_OWNED). README.md keeps the demo's section after the template's text.
//   npx tsx examples/demo-service/scripts/sync-template.ts
// tests/unit/template-demo-sync.test.ts fails while the two differ.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplate } from '../../../tasks/cli/commands/new-service.ts';

export const DEMO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_NAME = 'demo-service';
export const DEMO_DESCRIPTION =
  'Phase-0 demo: POST /events produces to Kafka, GET /events/stream streams what the consumer reads';
/** Template files the demo replaces with its own. */
export const DEMO_OWNED: readonly string[] = ['src/service.ts'];
/** Template files the demo extends: the template's text, then a marker line, then the demo's part. */
export const DEMO_EXTENDED: readonly string[] = ['README.md'];
export const EXTENSION_MARKER =
  '<!-- demo-service additions below: everything above is generated from templates/service -->';

export async function renderForDemo(): Promise<Map<string, Buffer>> {
  return renderTemplate({ name: DEMO_NAME, description: DEMO_DESCRIPTION });
}

async function main(): Promise<void> {
  const rendered = await renderForDemo();
  let changed = 0;
  for (const [rel, content] of rendered) {
    if (DEMO_OWNED.includes(rel)) continue;
    const file = path.join(DEMO_DIR, rel);
    let next = content;
    if (DEMO_EXTENDED.includes(rel)) {
      const current = await fs.readFile(file, 'utf8').catch(() => '');
      const at = current.indexOf(EXTENSION_MARKER);
      const extra = at >= 0 ? current.slice(at) : `${EXTENSION_MARKER}\n`;
      next = Buffer.from(`${content.toString('utf8').trimEnd()}\n\n${extra}`);
    }
    const before = await fs.readFile(file).catch(() => undefined);
    if (before && before.equals(next)) continue;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, next);
    console.log(`updated ${rel}`);
    changed++;
  }
  console.log(
    changed === 0
      ? 'demo-service already matches the template'
      : `${changed} file(s) updated from templates/service`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
