// Seed task 0-13: the end-to-end checks, run against the demo service on any target (they only
// use endpoints). One request is followed through the whole platform (follow.ts):
//   POST /events (with a traceparent we chose) → 201 with the offset → the event on the SSE stream
//   → the request counted in Prometheus (as scraped) → one trace HTTP → produce → consume in the
//   trace store → log lines carrying that trace_id.
// Then the Phase-0 requirements as measured figures: memory of the whole stack, start time, CI
// duration, k3d-only cluster start, and the Kafka bench (REQ-0.2). The checks are data
// (request-checks.ts, trace-log-checks.ts, requirement-checks.ts); this file orders them.
import type { PlatformContext } from '../../context.ts';
import { check, type Check } from '../../engine/task.ts';
import { isAvailable } from '../../targets/target.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { proofVia } from '../../../validation/lib/checks.ts';
import { runChecks } from '../../../validation/lib/define-check.ts';
import { demoHealth, demoMetricsScraped, demoProduce, demoSse } from './request-checks.ts';
import {
  demoLogsFile,
  demoLogsLoki,
  demoLogsLokiSkip,
  demoTrace,
  demoTraceTempo,
} from './trace-log-checks.ts';
import {
  clusterStart,
  demoDeployedChecks,
  integrationTests,
  stackMemory,
  stackStart,
} from './requirement-checks.ts';

export { traceProblems } from './trace-log-checks.ts';

/** REQ-0.5: the whole `.ci/run` wall time of this commit, the figure 0-8.duration judges too. */
async function ciDurationCheck(ctx: PlatformContext): Promise<Check> {
  const { pipelineTimeCheck } = await import('../../../validation/lib/pipeline-time.ts');
  return pipelineTimeCheck(ctx.paths.root, ctx.paths.platform, {
    id: '0-13.ci-duration',
    criteria: ['0-13.ac9'],
    title: 'CI pipeline < 5 minutes (the whole .ci/run of this commit)',
  });
}

/** REQ-0.2 from the bench helper (a short closed-loop + open-loop run), when it is present. */
async function benchChecks(ctx: PlatformContext): Promise<Check[]> {
  try {
    const mod =
      (await import('../../../validation/lib/kafka-bench-checks.ts')) as typeof import('../../../validation/lib/kafka-bench-checks.ts');
    return (await mod.kafkaBenchChecks(ctx, { task: '0-13', messages: 100_000, durationS: 5 })).checks;
  } catch (e) {
    return [
      check({
        ...proofVia(ctx.target.endpoints().kafka),
        id: '0-13.kafka-bench',
        title: 'Kafka throughput and p95 (REQ-0.2)',
        requirement: 'REQ-0.2',
        status: 'fail',
        reason: `the Kafka bench could not run: ${errText(e).split('\n')[0]}`,
      }),
    ];
  }
}

export interface E2eOptions {
  /** Skip the Kafka bench (tests run it separately; it loads the machine for ~20 s). */
  bench?: boolean;
}

/** Every 0-13 check, in report order. */
export async function e2eChecks(ctx: PlatformContext, opts: E2eOptions = {}): Promise<Check[]> {
  const ep = ctx.target.endpoints();
  // Tempo and Loki rows: where they answer, the request's own check reads them; where they do
  // not, a skip with the target's reason names the stand-in.
  const request = [
    demoHealth,
    demoProduce,
    demoSse,
    demoMetricsScraped,
    demoTrace,
    ...(isAvailable(ep.tempo) ? [] : [demoTraceTempo]),
    ...(isAvailable(ep.loki) ? [demoLogsLoki] : [demoLogsFile, demoLogsLokiSkip]),
  ];
  const checks = await runChecks(ctx, request);
  checks.push(...(await demoDeployedChecks(ctx)));
  const facts = await ctx.target.facts?.(ctx);
  checks.push(
    ...(await runChecks(ctx, [
      integrationTests,
      stackMemory,
      stackStart(facts, ctx.target.name),
      clusterStart,
    ])),
  );
  checks.push(await ciDurationCheck(ctx));
  if (opts.bench !== false) checks.push(...(await benchChecks(ctx)));
  return checks;
}
