// The real phase-0 graph validates and carries the seed's dependency edges (seed task table).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph } from '../../tasks/engine/graph.ts';
import { phase0 } from '../../tasks/phase0/index.ts';
import { SEED_TASKS } from '../../validation/report/criteria.ts';

const before = ['0-1', '0-2', '0-3', '0-4', '0-5', '0-6', '0-7', '0-8', '0-9', '0-10'];
const SEED_NEEDS: Record<string, string[]> = {
  '0-1': [],
  '0-2': ['0-1'],
  '0-3': ['0-2'],
  '0-4': ['0-2'],
  '0-5': ['0-4'],
  '0-6': ['0-5'],
  '0-7': [],
  '0-8': ['0-1'],
  '0-9': ['0-1'],
  '0-10': ['0-6', '0-9'],
  '0-11': before,
  '0-12': before,
  '0-13': before,
};

test('the phase-0 graph validates and holds every seed task once', () => {
  const g = buildGraph(phase0);
  assert.equal([...g.byId.keys()].sort(), SEED_TASKS.map((t) => t.id).sort());
});

// Every seed edge must be there. A node may need more than the seed says when its real work
// depends on it (0-4 scrapes the broker's metrics, so it also needs 0-3); never less.
test("each node needs at least what the seed's task table says", () => {
  for (const t of phase0) {
    const has = new Set(t.needs.map((n) => n.id));
    for (const need of SEED_NEEDS[t.id] ?? ['(not a seed task)'])
      assert.ok(has.has(need), `${t.id} must need ${need}`);
  }
});

test.run();
