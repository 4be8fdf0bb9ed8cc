// Graph building and queries: validation errors name what is wrong, closure and layers are exact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph, closure, criticalPath, GraphError, layers } from '../../tasks/engine/graph.ts';
import { UsageError } from '../../tasks/engine/task.ts';
import { node, rawNode, type Node } from '../fixtures/engine/nodes.ts';

function diamond() {
  const a = node('a');
  const b = node('b', [a]);
  const c = node('c', [a]);
  const d = node('d', [b, c]);
  const e = node('e'); // independent
  return { a, b, c, d, e, all: [a, b, c, d, e] };
}

test('a cycle is rejected with its whole path', () => {
  const x = rawNode('x');
  const y = rawNode('y');
  const z = rawNode('z');
  x.needs.push(y as Node);
  y.needs.push(z as Node);
  z.needs.push(x as Node);
  const err = (() => {
    try {
      buildGraph([x, y, z] as Node[]);
    } catch (e) {
      return e as Error;
    }
  })();
  assert.instance(err, GraphError);
  assert.instance(err, UsageError, 'a cycle is a configuration error (exit 2)');
  assert.match(err!.message, 'cycle x → y → z → x');
});

test('a self-need is a cycle of one', () => {
  const x = rawNode('x');
  x.needs.push(x as Node);
  assert.throws(() => buildGraph([x] as Node[]), /cycle x → x/);
});

test('an unknown need (a node not in the list) is rejected, naming both nodes', () => {
  const outside = node('9');
  const inside = node('1', [outside]);
  assert.throws(() => buildGraph([inside]), /1 \(n1\) needs 9 \(n9\), which is not in the task list/);
});

test('a duplicate id is rejected', () => {
  assert.throws(() => buildGraph([node('1'), node('1')]), /duplicate task id '1'/);
});

test('closure selects the node and exactly what it needs', () => {
  const { all } = diamond();
  const g = buildGraph(all);
  assert.equal(
    closure(g, ['b']).map((t) => t.id),
    ['a', 'b'],
  );
  assert.equal(
    closure(g, ['d']).map((t) => t.id),
    ['a', 'b', 'c', 'd'],
  );
  assert.equal(
    closure(g, ['e', 'b']).map((t) => t.id),
    ['a', 'b', 'e'],
  );
  assert.equal(
    closure(g, ['nb']).map((t) => t.id),
    ['a', 'b'],
    'a name works as well as an id',
  );
  assert.equal(closure(g, []).length, 5, 'no ids: everything');
});

test('an unknown task id in a selection is a usage error listing the known ids', () => {
  const g = buildGraph(diamond().all);
  assert.throws(
    () => closure(g, ['0-99']),
    (e: Error) => e instanceof UsageError && /unknown task id '0-99'; known: a, b, c, d, e/.test(e.message),
  );
});

test('topological order puts needs first even when the list does not', () => {
  const { a, b, c, d, e } = diamond();
  const g = buildGraph([d, e, c, b, a]);
  const pos = new Map(g.order.map((t, i) => [t.id, i]));
  for (const t of g.order)
    for (const n of t.needs) assert.ok(pos.get(n.id)! < pos.get(t.id)!, `${n.id} before ${t.id}`);
});

test('layers group nodes by their longest chain of needs', () => {
  const g = buildGraph(diamond().all);
  assert.equal(
    layers(g).map((l) => l.map((t) => t.id)),
    [['a', 'e'], ['b', 'c'], ['d']],
  );
  assert.equal(
    layers(g, closure(g, ['c'])).map((l) => l.map((t) => t.id)),
    [['a'], ['c']],
  );
});

test('critical path follows the longest summed durations', () => {
  const g = buildGraph(diamond().all);
  const cp = criticalPath(
    g,
    new Map([
      ['a', 1],
      ['b', 5],
      ['c', 2],
      ['d', 1],
      ['e', 6],
    ]),
  );
  assert.equal(cp, { ids: ['a', 'b', 'd'], ms: 7 });
});

test.run();
