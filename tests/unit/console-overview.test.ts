// The Overview's task graph on the real Phase-0 graph: columns by depth (every node once, each
// right of what it needs) and only the needs not implied by another need drawn as edges.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phase0 } from '../../tasks/phase0/index.ts';
import { directNeeds, layers } from '../../tasks/console/web/pages/overview.ts';

// The seed's graph itself (not loadGraph(): tests in the same worker may install a fixture runtime).
const nodes = async () => phase0.map((t) => ({ id: t.id, name: t.name, title: t.title, needs: (t.needs ?? []).map((n) => n.id) }));

test('columns: every node once, each in a column right of every node it needs', async () => {
  const g = await nodes();
  const cols = layers(g);
  const col = new Map(cols.flatMap((c, i) => c.map((n) => [n.id, i] as const)));
  assert.is(col.size, g.length);
  assert.is(cols.flat().length, g.length);
  for (const n of g) for (const m of n.needs) assert.ok(col.get(n.id)! > col.get(m)!, `${n.id} after ${m}`);
});

test('edges: a need reached through another need is implied and not drawn', async () => {
  const g = await nodes();
  const direct = directNeeds(g);
  const byId = new Map(g.map((n) => [n.id, n]));
  // 0-4 needs the cluster (0-2) and the event bus (0-3), which itself needs the cluster.
  assert.ok(byId.get('0-4')!.needs.includes('0-2'));
  assert.equal(direct.get('0-4'), ['0-3']);
  for (const n of g) for (const m of direct.get(n.id)!) assert.ok(n.needs.includes(m));
  assert.ok([...direct.values()].flat().length < g.flatMap((n) => n.needs).length);
});

test.run();
