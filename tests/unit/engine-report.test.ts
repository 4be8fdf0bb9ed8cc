// The validation report from synthetic checks: every seed criterion and REQ has exactly one row,
// statuses aggregate honestly, uncovered criteria say no check ran, nothing secret leaks.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { registerSecret } from '../../tasks/config/redact.ts';
import { buildGraph } from '../../tasks/engine/graph.ts';
import type { RunRecord } from '../../tasks/engine/state.ts';
import { check } from '../../tasks/engine/task.ts';
import { CRITERIA, REQUIREMENTS } from '../../validation/report/criteria.ts';
import { buildReport, writeReport, type MachineFacts } from '../../validation/report/report.ts';
import { node, tempDir } from '../fixtures/engine/nodes.ts';

const machine: MachineFacts = {
  cpuModel: 'Test CPU',
  cpuCount: 2,
  memoryGiB: 24,
  os: 'TestOS',
  kernel: 'Linux x',
  node: '24.0.0',
  java: 'openjdk 17',
};
const SECRET = 'report-canary-91b2c7';

function verifyRun(): RunRecord {
  const t0 = 1_000_000;
  return {
    command: 'verify',
    target: 'native',
    startedAt: t0,
    endedAt: t0 + 900,
    concurrency: 4,
    interrupted: false,
    criticalPath: { ids: ['0-1', '0-3'], ms: 800 },
    nodes: [
      {
        id: '0-3',
        name: 'event-bus',
        state: 'failed',
        startedAt: t0 + 100,
        endedAt: t0 + 800,
        reason: '1 of 3 checks failed: 0-3.p95',
        checks: [
          check({
            id: '0-3.throughput',
            title: 'produce rate',
            status: 'pass',
            criteria: ['0-3.ac4'],
            requirement: 'REQ-0.2',
            measured: 41_000,
            unit: 'msg/s',
            threshold: '> 10000',
            evidence: 'bench kafka',
          }),
          check({
            id: '0-3.p95',
            title: 'p95 latency',
            status: 'fail',
            criteria: ['0-3.ac5'],
            requirement: 'REQ-0.2',
            measured: 71,
            unit: 'ms',
            threshold: '< 50',
            reason: `p95 over budget (token ${SECRET})`,
          }),
          check({ id: '0-3.rt', title: 'round trip', status: 'pass', criteria: ['0-3.ac8', '0-3.ac3'] }),
        ],
      },
      {
        id: '0-2',
        name: 'cluster',
        state: 'not-applicable',
        reason: 'the native target does not provide cluster',
      },
      {
        id: '0-1',
        name: 'dev-environment',
        state: 'done',
        startedAt: t0,
        endedAt: t0 + 100,
        checks: [
          check({
            id: '0-1.k3d',
            title: 'k3d installed',
            status: 'skip',
            criteria: ['0-1.ac2'],
            reason: 'no Docker engine: k3d is not needed on native',
          }),
        ],
      },
      {
        id: '0-4',
        name: 'metrics',
        state: 'failed',
        reason: 'prometheus refused',
        checks: [
          check({ id: '0-4.verify', title: 'verify step', status: 'fail', reason: 'prometheus refused' }),
        ],
      },
    ],
  };
}

const graph = buildGraph([node('0-1'), node('0-3')]);

test('every seed criterion and REQ appears exactly once', () => {
  const r = buildReport({
    root: tempDir(),
    verify: verifyRun(),
    graph,
    target: { name: 'native', why: 'test' },
    machine,
  });
  assert.equal(
    r.criteria.map((c) => c.id),
    CRITERIA.map((c) => c.id),
  );
  assert.equal(
    r.requirements.map((q) => q.id),
    Object.keys(REQUIREMENTS),
  );
  assert.is(r.summary.criteria.pass + r.summary.criteria.fail + r.summary.criteria.skip, CRITERIA.length);
});

test('rows carry status, measured value, threshold, evidence and reasons from the checks', () => {
  const r = buildReport({
    root: tempDir(),
    verify: verifyRun(),
    graph,
    target: { name: 'native', why: 'test' },
    machine,
  });
  const row = (id: string) => r.criteria.find((c) => c.id === id)!;
  assert.equal(
    [row('0-3.ac4').status, row('0-3.ac4').measured, row('0-3.ac4').threshold, row('0-3.ac4').evidence],
    ['pass', '41000 msg/s', '> 10000', 'bench kafka'],
  );
  assert.is(row('0-3.ac5').status, 'fail');
  assert.match(row('0-3.ac5').reason!, '0-3.p95: p95 over budget');
  // 0-3's verify ran and one check failed: a criterion none of its checks covers is a skip, not a fail.
  assert.equal([row('0-3.ac9').status, row('0-3.ac9').reason], ['skip', 'no check ran for this criterion']);
  assert.is(row('0-3.ac3').status, 'pass', 'one check may prove several criteria');
  assert.is(row('0-1.ac2').status, 'skip');
  assert.match(row('0-1.ac2').reason!, 'no Docker engine');
  assert.is(row('0-1.ac1').reason, 'no check ran for this criterion');
  assert.equal(
    [row('0-2.ac1').status, row('0-2.ac1').reason],
    [
      'skip',
      'no check ran for this criterion: task 0-2 does not apply here (the native target does not provide cluster)',
    ],
  );
  assert.equal(
    [row('0-4.ac1').status, row('0-4.ac1').reason],
    ['fail', 'no check ran for this criterion: task 0-4 verify failed (prometheus refused)'],
  );
  assert.match(row('0-5.ac1').reason!, 'task 0-5 was not part of this verify run');
  const req2 = r.requirements.find((q) => q.id === 'REQ-0.2')!;
  assert.is(req2.status, 'fail', 'a REQ fails when any of its checks fails');
  assert.is(r.requirements.find((q) => q.id === 'REQ-0.5')!.reason, 'no check ran for this requirement');
  assert.equal(
    r.otherChecks.map((c) => c.id),
    ['0-4.verify'],
  );
});

test('writeReport: Markdown embeds the SVG by relative link; JSON parses; no secret anywhere', async () => {
  registerSecret(SECRET);
  const root = tempDir();
  const up: RunRecord = { ...verifyRun(), command: 'up' };
  const w = await writeReport({
    root,
    verify: verifyRun(),
    up,
    graph,
    target: { name: 'native', why: 'test' },
    machine,
    now: new Date('2026-11-25T12:00:00Z'),
  });
  const md = fs.readFileSync(w.markdown, 'utf8');
  const json = JSON.parse(fs.readFileSync(w.json, 'utf8')) as { criteria: unknown[]; machine: MachineFacts };
  const svg = fs.readFileSync(w.svg, 'utf8');
  for (const c of CRITERIA) assert.match(md, `| ${c.id}: `);
  assert.match(md, `![run timeline](${path.relative(path.dirname(w.markdown), w.svg)})`);
  assert.match(md, 'Test CPU, 2 CPUs, 24 GiB RAM');
  assert.match(md, '2026-11-25T12:00:00.000Z');
  assert.is(json.criteria.length, CRITERIA.length);
  assert.match(svg, /^<svg /);
  assert.match(svg, 'critical path 0-1 → 0-3');
  for (const text of [md, JSON.stringify(json), svg]) assert.not.match(text, SECRET);
});

test('writeReport: a check figure is copied beside the report and embedded; a missing source says so', async () => {
  const root = tempDir();
  const source = path.join(root, 'plot.svg');
  fs.writeFileSync(source, '<svg xmlns="http://www.w3.org/2000/svg"><text>p95</text></svg>');
  const run = verifyRun();
  run.nodes[0]!.checks = [
    check({ id: '0-3.kafka-latency-p95', title: 'p95', status: 'pass', figure: { title: 'latency plot', svgFile: source } }),
    check({ id: '0-3.gone', title: 'gone', status: 'pass', figure: { title: 'lost plot', svgFile: path.join(root, 'nope.svg') } }),
  ];
  const w = await writeReport({ root, verify: run, graph, target: { name: 'native', why: 'test' }, machine });
  const md = fs.readFileSync(w.markdown, 'utf8');
  assert.match(md, '![latency plot](phase-0-figures/0-3.kafka-latency-p95.svg)');
  const copied = path.join(path.dirname(w.markdown), 'phase-0-figures', '0-3.kafka-latency-p95.svg');
  assert.match(fs.readFileSync(copied, 'utf8'), '<text>p95</text>');
  assert.match(fs.readFileSync(path.join(path.dirname(w.markdown), 'phase-0-figures', '0-3.gone.svg'), 'utf8'), 'figure missing');
});

test.run();
