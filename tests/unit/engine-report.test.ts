// The validation report from synthetic checks: every seed criterion and REQ has exactly one row,
// statuses aggregate honestly, uncovered criteria say no check ran, nothing secret leaks.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { registerSecret } from '../../tasks/config/redact.ts';
import { buildGraph } from '../../tasks/engine/graph.ts';
import type { RunRecord } from '../../tasks/engine/state.ts';
import { check, type Check } from '../../tasks/engine/task.ts';
import { CRITERIA, REQUIREMENTS } from '../../validation/report/criteria.ts';
import {
  buildReport,
  renderMarkdown,
  summaryLine,
  writeReport,
  type MachineFacts,
} from '../../validation/report/report.ts';
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
            proof: 'live',
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
            proof: 'live',
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
          check({
            proof: 'live',
            id: '0-3.rt',
            title: 'round trip',
            status: 'pass',
            criteria: ['0-3.ac8', '0-3.ac3'],
          }),
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
            proof: 'live',
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
          check({
            proof: 'live',
            id: '0-4.verify',
            title: 'verify step',
            status: 'fail',
            reason: 'prometheus refused',
          }),
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
  const c = r.summary.criteria;
  assert.is(c.pass + c.partial + c.fail + c.skip, CRITERIA.length);
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
    check({
      proof: 'live',
      id: '0-3.kafka-latency-p95',
      title: 'p95',
      status: 'pass',
      figure: { title: 'latency plot', svgFile: source },
    }),
    check({
      proof: 'live',
      id: '0-3.gone',
      title: 'gone',
      status: 'pass',
      figure: { title: 'lost plot', svgFile: path.join(root, 'nope.svg') },
    }),
  ];
  const w = await writeReport({ root, verify: run, graph, target: { name: 'native', why: 'test' }, machine });
  const md = fs.readFileSync(w.markdown, 'utf8');
  assert.match(md, '![latency plot](phase-0-figures/0-3.kafka-latency-p95.svg)');
  const copied = path.join(path.dirname(w.markdown), 'phase-0-figures', '0-3.kafka-latency-p95.svg');
  assert.match(fs.readFileSync(copied, 'utf8'), '<text>p95</text>');
  assert.match(
    fs.readFileSync(path.join(path.dirname(w.markdown), 'phase-0-figures', '0-3.gone.svg'), 'utf8'),
    'figure missing',
  );
});

/** A verify run of one node whose checks are given. */
function runOf(root: string, checks: Check[]): RunRecord {
  return {
    command: 'verify',
    target: 'native',
    startedAt: 0,
    endedAt: 10,
    concurrency: 1,
    interrupted: false,
    criticalPath: { ids: ['0-13'], ms: 10 },
    nodes: [{ id: '0-13', name: 'e2e', state: 'done', startedAt: 0, endedAt: 10, checks }],
  };
}

test('a requirement with a skipped part is partial, never pass, and names the part', () => {
  const root = tempDir();
  const r = buildReport({
    root,
    verify: runOf(root, [
      check({
        id: '0-13.stack-memory',
        proof: 'live',
        title: 'memory',
        status: 'pass',
        requirement: 'REQ-0.1',
        criteria: ['0-13.ac9'],
        measured: 845,
        unit: 'MB',
      }),
      check({
        id: '0-13.cluster-start',
        proof: 'live',
        title: 'cluster start',
        status: 'skip',
        requirement: 'REQ-0.1',
        reason: 'k3d only',
      }),
    ]),
    graph,
    target: { name: 'native', why: 'test' },
    machine,
  });
  const req1 = r.requirements.find((q) => q.id === 'REQ-0.1')!;
  assert.equal([req1.status, req1.proof], ['partial', 'live']);
  assert.match(req1.reason!, 'not proven: 0-13.cluster-start: k3d only');
  assert.is(r.summary.requirements.partial, 1);
  assert.is(r.summary.requirements.pass, 0);
});

test('a row is as strong as its weakest deciding check; substitutes are named; every row has a proof', () => {
  const root = tempDir();
  const r = buildReport({
    root,
    verify: runOf(root, [
      check({ id: '0-13.a', proof: 'live', title: 'a', status: 'pass', criteria: ['0-3.ac3'] }),
      check({
        id: '0-13.b',
        proof: 'substitute',
        substitute: { for: 'Redpanda', by: 'Apache Kafka' },
        title: 'b',
        status: 'pass',
        criteria: ['0-3.ac3', '0-3.ac1'],
      }),
      check({ id: '0-13.c', proof: 'static', title: 'c', status: 'pass', criteria: ['0-3.ac9'] }),
      check({ id: '0-13.d', proof: 'rendered', title: 'd', status: 'pass', criteria: ['0-3.ac9'] }),
      check({
        id: '0-13.e',
        proof: 'static',
        title: 'e',
        status: 'fail',
        criteria: ['0-3.ac7'],
        reason: 'x',
      }),
      check({ id: '0-13.f', proof: 'live', title: 'f', status: 'pass', criteria: ['0-3.ac7'] }),
    ]),
    graph,
    target: { name: 'native', why: 'test' },
    machine,
  });
  const row = (id: string) => r.criteria.find((c) => c.id === id)!;
  assert.equal([row('0-3.ac3').status, row('0-3.ac3').proof], ['pass', 'substitute']);
  assert.equal(row('0-3.ac3').substitutes, ['Apache Kafka for Redpanda']);
  assert.equal([row('0-3.ac9').status, row('0-3.ac9').proof], ['pass', 'static']);
  assert.equal(
    [row('0-3.ac7').status, row('0-3.ac7').proof],
    ['fail', 'static'],
    'a fail is decided by its failing checks',
  );
  assert.equal([row('0-3.ac8').status, row('0-3.ac8').proof], ['skip', 'none']);
  for (const c of r.criteria) assert.ok(c.proof, `${c.id} has a proof`);
  assert.equal(r.summary.criteria.passByProof, { live: 0, substitute: 2, rendered: 0, static: 1 });
  assert.is(
    summaryLine(r.summary.criteria),
    `3 pass: 2 substitute, 1 static; 0 partial; 1 fail; ${CRITERIA.length - 4} skip`,
  );
  const md = renderMarkdown(r, 'timeline.svg');
  assert.match(
    md,
    '| 0-3.ac3: External access works (from laptop via localhost:19092) | ✅ pass | substitute (Apache Kafka for Redpanda) |',
  );
  assert.match(md, '| status | proof | measured |');
});

test("a skip whose part a named stand-in proves is covered by the row's passing substitute check", () => {
  const root = tempDir();
  const store = { for: 'Loki', by: 'VictoriaLogs' };
  const r = buildReport({
    root,
    verify: runOf(root, [
      check({
        id: '0-13.loki',
        proof: 'live',
        title: 'loki',
        status: 'skip',
        criteria: ['0-5.ac1', '0-5.ac2'],
        reason: 'no Loki',
        standIn: 'VictoriaLogs',
      }),
      check({
        id: '0-13.vl',
        proof: 'substitute',
        substitute: store,
        title: 'vl',
        status: 'pass',
        criteria: ['0-5.ac1'],
      }),
      check({ id: '0-13.files', proof: 'live', title: 'files', status: 'pass', criteria: ['0-5.ac2'] }),
    ]),
    graph,
    target: { name: 'native', why: 'test' },
    machine,
  });
  const row = (id: string) => r.criteria.find((c) => c.id === id)!;
  assert.equal([row('0-5.ac1').status, row('0-5.ac1').proof], ['pass', 'substitute']);
  // No passing substitute in the row: the stand-in's skip is still a part not proven.
  assert.equal([row('0-5.ac2').status, row('0-5.ac2').proof], ['partial', 'live']);
  assert.match(row('0-5.ac2').reason!, 'not proven: 0-13.loki: no Loki');
  assert.throws(
    () => check({ id: 'x.a', title: 'a', status: 'pass', proof: 'live', standIn: 'VictoriaLogs' }),
    /only a skip/,
  );
});

test('check() refuses a check without a proof, and a substitute that names no stand-in', () => {
  assert.throws(() => check({ id: 'x.a', title: 'a', status: 'pass' } as unknown as Check), /unknown proof/);
  assert.throws(
    () => check({ id: 'x.a', title: 'a', status: 'pass', proof: 'substitute' }),
    /names the seed/,
  );
  assert.throws(
    () => check({ id: 'x.a', title: 'a', status: 'pass', proof: 'live', substitute: { for: 'a', by: 'b' } }),
    /names the seed/,
  );
});

test('paths of the checkout are written relative to the repository', () => {
  const root = tempDir();
  const r = buildReport({
    root,
    verify: runOf(root, [
      check({
        id: '0-13.a',
        proof: 'live',
        title: 'a',
        status: 'pass',
        criteria: ['0-3.ac4'],
        evidence: `bench ${path.join(root, 'bench', 'results', 'k.json')}; logs in ${root}`,
      }),
    ]),
    graph,
    target: { name: 'native', why: 'test' },
    machine,
  });
  const text = JSON.stringify(r);
  assert.not.match(text, root);
  assert.is(r.criteria.find((c) => c.id === '0-3.ac4')!.evidence, 'bench bench/results/k.json; logs in .');
});

test.run();
