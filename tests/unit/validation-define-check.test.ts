// The check runner's rules, one test each: an unavailable need → skip with the target's reason
// and stand-in; a throw → fail with its first line; a bound → pass/fail with its threshold; the
// proof taken from the endpoint; and the report's rule that a criterion needing running software
// is partial, never pass, when only static or rendered checks passed it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import type { RunRecord } from '../../tasks/engine/state.ts';
import type { Check } from '../../tasks/engine/task.ts';
import { unavailable, type Endpoint, type Endpoints } from '../../tasks/targets/target.ts';
import { defineCheck, runChecks } from '../../validation/lib/define-check.ts';
import { CRITERIA } from '../../validation/report/criteria.ts';
import { LEAST_PROOF } from '../../validation/report/least-proof.ts';
import { buildReport, type MachineFacts } from '../../validation/report/report.ts';
import { buildGraph } from '../../tasks/engine/graph.ts';
import { tempDir } from '../fixtures/engine/nodes.ts';

/** A context whose target hands out exactly these endpoints (everything else unavailable). */
function ctxWith(given: Partial<Endpoints>): PlatformContext {
  const none = unavailable('not in this test');
  const all = Object.fromEntries(
    ['kafka', 'prometheus', 'otlpGrpc', 'traceQuery', 'logsql', 'grafana', 'loki', 'tempo', 'demo'].map((k) => [
      k,
      (given as Record<string, Endpoint>)[k] ?? none,
    ]),
  ) as unknown as Endpoints;
  return { target: { endpoints: () => all } } as unknown as PlatformContext;
}

test('a need the target cannot provide is a skip with its reason and stand-in; measure never runs', async () => {
  let ran = false;
  const c = defineCheck(
    { id: '0-5.loki-ready', criteria: ['0-5.ac1'], title: 'Loki answers', needs: 'loki', proof: 'live' },
    () => {
      ran = true;
      return {};
    },
  );
  const r = await c.run(ctxWith({ loki: unavailable('native runs no Loki', 'VictoriaLogs') }));
  assert.is(ran, false);
  assert.is(r.status, 'skip');
  assert.is(r.reason, 'native runs no Loki');
  assert.is(r.standIn, 'VictoriaLogs');
  assert.is(r.task, '0-5');
  assert.equal(r.criteria, ['0-5.ac1']);
  assert.type(r.durationMs, 'number');
});

test('a throw is a fail carrying the first line of the error and its cause', async () => {
  const c = defineCheck({ id: '0-4.ready', title: 'ready', needs: 'prometheus', proof: 'live' }, () => {
    throw new Error('fetch failed\n    at stack frame', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
  });
  const r = await c.run(ctxWith({ prometheus: { url: 'http://127.0.0.1:9' } }));
  assert.is(r.status, 'fail');
  assert.is(r.proof, 'live');
  assert.is(r.reason, 'fetch failed');
  const caused = await defineCheck({ id: '0-4.x', title: 'x', proof: 'static' }, () => {
    throw new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
  }).run(ctxWith({}));
  assert.is(caused.reason, 'fetch failed: connect ECONNREFUSED 127.0.0.1:9');
});

test('bound below: under passes, at or over fails with the threshold and a reason', async () => {
  const spec = { id: '0-5.latency', title: 'query latency', proof: 'static', bound: { below: 100, unit: 'ms' } } as const;
  const pass = await defineCheck(spec, () => ({ measured: 99 })).run(ctxWith({}));
  const fail = await defineCheck(spec, () => ({ measured: 100 })).run(ctxWith({}));
  assert.equal([pass.status, pass.threshold, pass.unit, pass.measured], ['pass', '< 100', 'ms', 99]);
  assert.equal([fail.status, fail.threshold], ['fail', '< 100']);
  assert.match(fail.reason ?? '', /100 ms is not below 100 ms/);
});

test('bound atLeast: at the bound passes, under fails; no figure fails', async () => {
  const spec = { id: '0-3.rate', title: 'rate', proof: 'static', bound: { atLeast: 10_000, unit: 'msg/s' } } as const;
  const pass = await defineCheck(spec, () => ({ measured: 10_000 })).run(ctxWith({}));
  const fail = await defineCheck(spec, () => ({ measured: 9_999 })).run(ctxWith({}));
  const none = await defineCheck(spec, () => ({ evidence: 'nothing' })).run(ctxWith({}));
  assert.equal([pass.status, pass.threshold], ['pass', '>= 10000']);
  assert.is(fail.status, 'fail');
  assert.match(fail.reason ?? '', /9999 msg\/s is below the required 10000/);
  assert.is(none.status, 'fail');
  assert.match(none.reason ?? '', /no figure measured/);
});

test('bound above: over passes, at the bound fails (the seed says > 10,000 msg/s)', async () => {
  const spec = { id: '0-3.tp', title: 'tp', proof: 'static', bound: { above: 10_000, unit: 'msg/s' } } as const;
  const pass = await defineCheck(spec, () => ({ measured: 10_001 })).run(ctxWith({}));
  const fail = await defineCheck(spec, () => ({ measured: 10_000 })).run(ctxWith({}));
  assert.equal([pass.status, pass.threshold], ['pass', '> 10000']);
  assert.equal([fail.status, fail.threshold], ['fail', '> 10000']);
  assert.match(fail.reason ?? '', /10000 msg\/s is not above 10000 msg\/s/);
});

test('problems fail the check; a skip from the measurement keeps its reason', async () => {
  const bad = await defineCheck({ id: '0-9.x', title: 'x', proof: 'static' }, () => ({
    problems: ['a missing', 'b wrong'],
  })).run(ctxWith({}));
  assert.equal([bad.status, bad.reason], ['fail', 'a missing; b wrong']);
  const skip = await defineCheck({ id: '0-2.start', title: 'start', proof: 'live' }, () => ({
    skip: 'the target records no start time',
  })).run(ctxWith({}));
  assert.equal([skip.status, skip.reason], ['skip', 'the target records no start time']);
  assert.is(skip.measured, undefined);
  // A partial measurement (8 of 9 exported, the 9th a service not running) keeps its figure.
  const partial = await defineCheck({ id: '0-4.x', title: 'x', proof: 'live' }, () => ({
    measured: '8/9',
    unit: 'metrics exported',
    skip: 'demo-service is not up',
  })).run(ctxWith({}));
  assert.equal([partial.status, partial.measured, partial.unit], ['skip', '8/9', 'metrics exported']);
});

test("proof comes from the endpoint: live on a stand-in's endpoint is substitute, naming it", async () => {
  const sub = { for: 'Redpanda', by: 'Apache Kafka' };
  const c = defineCheck({ id: '0-3.ready', title: 'ready', needs: 'kafka', proof: 'live' }, (ep) => ({
    evidence: ep.url,
  }));
  const r = await c.run(ctxWith({ kafka: { url: '127.0.0.1:1', substitute: sub } }));
  assert.equal([r.status, r.proof, r.substitute, r.evidence], ['pass', 'substitute', sub, '127.0.0.1:1']);
  const [plain] = await runChecks(ctxWith({ kafka: { url: '127.0.0.1:2' } }), [c]);
  assert.equal([plain!.proof, plain!.substitute], ['live', undefined]);
  const skipped = await defineCheck({ id: '0-3.in', title: 'in', needs: 'kafka', proof: 'live' }, () => ({
    skip: 'no cluster here',
  })).run(ctxWith({ kafka: { url: '127.0.0.1:1', substitute: sub } }));
  assert.equal([skipped.status, skipped.proof, skipped.reason], ['skip', 'substitute', 'no cluster here']);
});

test("a skip from the measurement on a stand-in's endpoint names the stand-in too", async () => {
  const sub = { for: 'Tempo', by: 'Jaeger' };
  const c = defineCheck({ id: '0-6.x', title: 'x', needs: 'traceQuery', proof: 'live' }, () => ({
    skip: 'the demo is not running',
  }));
  const r = await c.run(ctxWith({ traceQuery: { url: 'http://127.0.0.1:1', substitute: sub } }));
  assert.equal([r.status, r.proof, r.substitute, r.reason], ['skip', 'substitute', sub, 'the demo is not running']);
});

test('a spec with proof substitute must name the stand-in', () => {
  assert.throws(
    () => defineCheck({ id: '0-1.x', title: 'x', proof: 'substitute' } as never, () => ({})),
    /names the seed's component/,
  );
});

const machine: MachineFacts = {
  cpuModel: 'Test CPU',
  cpuCount: 2,
  memoryGiB: 24,
  os: 'TestOS',
  kernel: 'Linux x',
  node: '24.0.0',
  java: 'openjdk 17',
};

function reportOf(checks: Check[]) {
  const root = tempDir();
  const verify: RunRecord = {
    command: 'verify',
    target: 'native',
    startedAt: 0,
    endedAt: 10,
    concurrency: 1,
    interrupted: false,
    criticalPath: { ids: ['0-12'], ms: 10 },
    nodes: [{ id: '0-12', name: 'docs', state: 'done', startedAt: 0, endedAt: 10, checks }],
  };
  return buildReport({ root, verify, graph: buildGraph([]), target: { name: 'native', why: 'test' }, machine });
}

test('static proof on a criterion that needs running software is partial, with the reason; live passes', async () => {
  const ctx = ctxWith({});
  const onText = await defineCheck(
    { id: '0-12.onboarding', criteria: ['0-12.ac1'], title: 'guide has the steps', proof: 'static' },
    () => ({ evidence: 'getting-started.md' }),
  ).run(ctx);
  const docs = await defineCheck(
    { id: '0-12.faq', criteria: ['0-12.ac5'], title: 'FAQ', proof: 'static' },
    () => ({}),
  ).run(ctx);
  const r = reportOf([onText, docs]);
  const row = (id: string) => r.criteria.find((c) => c.id === id)!;
  assert.is(row('0-12.ac1').status, 'partial');
  assert.match(row('0-12.ac1').reason ?? '', /needs running software \(least proof substitute\); passed only on static proof: 0-12.onboarding/);
  assert.is(row('0-12.ac5').status, 'pass', 'a documentation criterion passes on static proof');
  const timed = await defineCheck(
    { id: '0-12.timed', criteria: ['0-12.ac1'], title: 'timed run', proof: 'live', bound: { below: 1800, unit: 's' } },
    () => ({ measured: 400 }),
  ).run(ctx);
  assert.is(reportOf([onText, timed]).criteria.find((c) => c.id === '0-12.ac1')!.status, 'pass');
});

test('every criterion declares a least proof', () => {
  assert.is(LEAST_PROOF.size, CRITERIA.length);
});

test.run();
