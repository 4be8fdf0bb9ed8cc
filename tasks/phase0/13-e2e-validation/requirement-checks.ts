// The Phase-0 requirements as measured figures (memory of the stack, start time, k3d-only cluster
// start), where the demo runs, and the demo's own integration tests against the target's Kafka.
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import type { PlatformContext } from '../../context.ts';
import type { Check } from '../../engine/task.ts';
import { loadState, stateFile } from '../../engine/state.ts';
import type { TargetFacts } from '../../targets/target.ts';
import { DEMO_K8S_SPEC, SUBSTITUTES } from '../../../validation/lib/checks.ts';
import { defineCheck, type DefinedCheck } from '../../../validation/lib/define-check.ts';

export const MEMORY_LIMIT_MB = 4 * 1024;
export const CLUSTER_START_LIMIT_S = 120;
const MB = (b: number) => Math.round(b / 1024 ** 2);
const tenths = (ms: number) => Math.round(ms / 100) / 10;

/**
 * REQ-0.1: resident memory of every supervised native process (each with its children). The seed
 * asks it of the k3d cluster; natively this is the stand-in, labelled so (SUBSTITUTES.clusterMemory):
 * 0-2.memory (docker stats of the node containers) in ci.yml's Docker job would prove the cluster's.
 */
export const stackMemory = defineCheck(
  {
    id: '0-13.stack-memory',
    requirement: 'REQ-0.1',
    criteria: ['0-13.ac9'],
    title: 'Memory of the whole stack < 4 GB (RSS of every platform process)',
    proof: 'substitute',
    substitute: SUBSTITUTES.clusterMemory,
    bound: { below: MEMORY_LIMIT_MB, unit: 'MB' },
  },
  async (_, ctx) => {
    const parts = (await ctx.target.facts?.(ctx))?.processMemory;
    if (!parts)
      return {
        skip: `measured from the cluster's containers by the ${ctx.target.name} target's own checks (0-2/0-7)`,
      };
    if (parts.length === 0)
      throw new Error(
        `no supervised process is running (no live pid file in ${ctx.paths.run}); run tasks.ts up`,
      );
    return {
      measured: MB(parts.reduce((n, p) => n + p.bytes, 0)),
      evidence: [...parts]
        .sort((a, b) => b.bytes - a.bytes)
        .map((p) => `${p.name} ${MB(p.bytes)} MB`)
        .join(', ')
        .concat(`; the cluster's own figure: 0-2.memory on k3d (ci.yml's Docker job)`),
    };
  },
);

/**
 * Start time of the stack: the last `up` run's span from its first node start to its last node
 * end, judged against the seed's bound: the target's own (REQ-0.1 on the Docker paths) or, where
 * the target has none, the same 2 minutes for the whole native stack. An `up` that found
 * everything running started nothing and measures nothing: a skip.
 */
export function stackStart(facts: TargetFacts | undefined, target: string): DefinedCheck {
  const bound = facts?.startBoundS;
  const limit = bound ?? CLUSTER_START_LIMIT_S;
  return defineCheck(
    {
      id: '0-13.stack-start',
      ...(bound ? { requirement: 'REQ-0.1' as const } : {}),
      title: `Stack start time (last \`up\`, ${target} target) < ${limit} s`,
      proof: 'live',
      bound: { below: limit, unit: 's' },
    },
    async (_, ctx) => {
      const file = stateFile(ctx.paths.platform);
      const run = (await loadState(file).catch(() => undefined))?.lastRun.up;
      if (!run) return { skip: `no \`up\` run recorded in ${path.relative(ctx.paths.root, file)} yet` };
      const ran = run.nodes.filter((n) => n.state === 'done' && n.startedAt && n.endedAt);
      const took = (n: (typeof ran)[number]) => n.endedAt! - n.startedAt!;
      if (ran.length === 0)
        return {
          skip: `the last \`up\` (${new Date(run.startedAt).toISOString()}) found everything already up and started nothing; \`down\` then \`up\` measures a start`,
        };
      const idle = run.nodes.length - ran.length;
      const slowest = [...ran].sort((a, b) => took(b) - took(a)).slice(0, 3);
      return {
        measured: tenths(run.endedAt - run.startedAt),
        evidence: `up at ${new Date(run.startedAt).toISOString()}: ${ran.length} node(s) ran${idle ? `, ${idle} already up or n/a` : ''}; slowest ${slowest.map((n) => `${n.id} ${tenths(took(n))} s`).join(', ')}`,
      };
    },
  );
}

/** REQ-0.1 k3d-only: cluster start < 2 min (0-2 records it; CLUSTER_START_S carries it here). */
export const clusterStart = defineCheck(
  {
    id: '0-13.cluster-start',
    requirement: 'REQ-0.1',
    criteria: ['0-13.ac9'],
    title: 'k3d cluster start < 2 min',
    proof: 'live',
    bound: { below: CLUSTER_START_LIMIT_S, unit: 's' },
  },
  (_, ctx) => {
    if (!ctx.target.components.cluster)
      return {
        skip: `k3d only: the ${ctx.target.name} target has no cluster to start (no Docker engine); 0-2 measures it on k3d`,
      };
    const s = ctx.env.CLUSTER_START_S;
    return s ? { measured: Number(s) } : { skip: 'measured by 0-2 (cluster-start check); see that row' };
  },
);

/** 0-13.ac1 elsewhere than k3d: the demo runs outside Kubernetes. */
const demoK8sSkip = defineCheck(DEMO_K8S_SPEC, async (_, ctx) => {
  const how = (await ctx.target.components.demo?.facts?.(ctx))?.runsAs ?? 'outside Kubernetes';
  return {
    skip: `k3d only: the ${ctx.target.name} target runs the demo ${how}; its k8s manifests are validated statically in the test suite`,
  };
});

/** 0-13.ac1: on k3d the demo runs from examples/demo-service/k8s (the k3d demo component's own check). */
export async function demoDeployedChecks(ctx: PlatformContext): Promise<Check[]> {
  const own = (await ctx.target.components.demo?.checks?.(ctx)) ?? [];
  return own.length > 0 ? own : [await demoK8sSkip.run(ctx)];
}

/**
 * 0-13.ac8: the demo service's own integration tests (examples/demo-service, `npm run
 * test:integration`) run here against the target's Kafka; the verdict is uvu's exit code, the
 * counts come from the summary that ends its output.
 */
export const integrationTests = defineCheck(
  {
    id: '0-13.integration-tests',
    criteria: ['0-13.ac8'],
    title: "Integration tests pass (the demo service's, against the target's Kafka)",
    proof: 'live',
    needs: 'kafka',
  },
  async (kafka, ctx) => {
    const t0 = Date.now();
    const r = await execa('npm', ['run', 'test:integration'], {
      cwd: path.join(ctx.paths.root, 'examples', 'demo-service'),
      reject: false,
      all: true,
      timeout: 180_000,
      cancelSignal: ctx.signal,
      env: {
        KAFKA_BROKERS: kafka.url,
        NO_COLOR: '1',
        PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
      },
    });
    const out = stripVTControlCharacters(r.all ?? '');
    const m = /Total:\s+(\d+)\s+Passed:\s+(\d+)\s+Skipped:\s+(\d+)\s+Duration:\s+\S+\s*$/.exec(out);
    const [total, passed] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    const ok = r.exitCode === 0 && !!m && total > 0 && passed === total;
    return {
      ...(m ? { measured: `${passed}/${total}` } : {}),
      unit: 'tests passed',
      evidence: `examples/demo-service: npm run test:integration with KAFKA_BROKERS=${kafka.url} → exit ${r.exitCode} in ${tenths(Date.now() - t0)} s`,
      problems: ok
        ? []
        : [
            m
              ? `${total - passed} of ${total} failed (exit ${r.exitCode})`
              : `no uvu summary (exit ${r.exitCode}): ${out.trim().split('\n').slice(-3).join(' ').slice(0, 200)}`,
          ],
    };
  },
);
