// examples/demo-service is generated from templates/service: regenerating must give the same
// files, except the ones the demo replaces (its own src/service.ts) and extends (README.md keeps
// the template's text first). Fix a failure with: npx tsx examples/demo-service/scripts/sync-template.ts
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEMO_DIR,
  DEMO_EXTENDED,
  DEMO_OWNED,
  EXTENSION_MARKER,
  renderForDemo,
} from '../../examples/demo-service/scripts/sync-template.ts';

const FIX = 'run: npx tsx examples/demo-service/scripts/sync-template.ts';

test('every template file is in the demo, byte for byte, except the demo-owned and extended ones', async () => {
  const rendered = await renderForDemo();
  const stale: string[] = [];
  for (const [rel, content] of rendered) {
    if (DEMO_OWNED.includes(rel)) continue;
    const demo = await fs.readFile(path.join(DEMO_DIR, rel)).catch(() => undefined);
    if (!demo) {
      stale.push(`${rel} (missing)`);
      continue;
    }
    if (DEMO_EXTENDED.includes(rel)) {
      const text = demo.toString('utf8');
      const at = text.indexOf(EXTENSION_MARKER);
      if (at < 0 || text.slice(0, at).trimEnd() !== content.toString('utf8').trimEnd())
        stale.push(`${rel} (template part differs)`);
    } else if (!demo.equals(content)) stale.push(rel);
  }
  assert.equal(stale, [], `demo-service differs from the template in: ${stale.join(', ')}; ${FIX}`);
});

test('the demo replaces only what it declares, and its own files are real additions', async () => {
  const rendered = await renderForDemo();
  for (const rel of DEMO_OWNED) {
    assert.ok(rendered.has(rel), `${rel} is declared demo-owned but the template has no such file`);
    const demo = await fs.readFile(path.join(DEMO_DIR, rel));
    assert.not.ok(
      demo.equals(rendered.get(rel) as Buffer),
      `${rel} is declared demo-owned but equals the template's`,
    );
  }
  const service = await fs.readFile(path.join(DEMO_DIR, 'src/service.ts'), 'utf8');
  assert.match(service, "app.post<{ Body: PostEventBody }>('/events'");
  assert.match(service, "app.get('/events/stream'");
});

test.run();
