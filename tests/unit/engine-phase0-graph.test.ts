// The real phase-0 graph validates and carries the seed's dependency edges (seed task table);
// its task folders name each other only by id, never by import.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph, GraphError } from '../../tasks/engine/graph.ts';
import { defineTask, wire } from '../../tasks/phase0/define.ts';
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

test('a need missing from the wired list is a graph error naming both nodes', () => {
  const a = defineTask({ id: '0-2', name: 'a', title: 'A', needs: ['0-1'] });
  assert.throws(
    () => wire([a]),
    (e: Error) =>
      e instanceof GraphError && /0-2 \(a\) needs 0-1, which is not in the task list/.test(e.message),
  );
});

// The lint rule sees static imports only; this also reads `import('…')`, which the folders use to
// load their checks lazily.
test('no task folder imports another, statically or dynamically', () => {
  const phase0Dir = path.resolve(import.meta.dirname, '../../tasks/phase0');
  const folders = fs.readdirSync(phase0Dir).filter((d) => /^\d\d-/.test(d));
  const wrong: string[] = [];
  for (const folder of folders) {
    const dir = path.join(phase0Dir, folder);
    for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
        if (!fileName.startsWith('.')) continue;
        const target = path.relative(phase0Dir, path.resolve(path.dirname(path.join(dir, file)), fileName));
        const top = target.split(path.sep)[0]!;
        if ((/^\d\d-/.test(top) && top !== folder) || target === 'index.ts')
          wrong.push(`${folder}/${file} imports ${fileName}`);
      }
    }
  }
  assert.equal(wrong, []);
});

test.run();
