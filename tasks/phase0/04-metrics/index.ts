// Seed task 0-4: Metrics: Prometheus and Grafana. The target's `metrics` component brings up
// Prometheus (native: our own supervised process plus node and consumer-lag exporters; k3d:
// kube-prometheus-stack; compose: the stack's containers); verify runs the shared checks in
// tasks/phase0/04-metrics/checks.ts against the target's endpoints, plus what the component measured.
import { check, type Check } from '../../engine/task.ts';
import type { PlatformContext } from '../../context.ts';
import { component, defineTask } from '../define.ts';

/** Memory budget of the metrics processes on a laptop: a share of REQ-0.1's 4 GB for the platform. */
const RSS_BUDGET_MIB = 512;
const MiB = 2 ** 20;

async function measuredChecks(ctx: PlatformContext): Promise<Check[]> {
  const out: Check[] = [];
  const rows = (await component(ctx, 'metrics').rows?.(ctx)) ?? [];
  const withRss = rows.filter((r) => r.rssBytes !== undefined);
  if (withRss.length === 0) {
    out.push(
      check({ proof: 'live',
        id: '0-4.metrics-rss',
        title: 'memory of the metrics processes',
        status: 'skip',
        reason: `the ${ctx.target.name} target does not report process memory`,
      }),
    );
  } else {
    const total = withRss.reduce((s, r) => s + (r.rssBytes ?? 0), 0) / MiB;
    out.push(
      check({ proof: 'live',
        id: '0-4.metrics-rss',
        requirement: 'REQ-0.1',
        title: 'memory of the metrics processes (RSS)',
        status: total < RSS_BUDGET_MIB ? 'pass' : 'fail',
        measured: Math.round(total),
        unit: 'MiB',
        threshold: `< ${RSS_BUDGET_MIB}`,
        evidence: withRss.map((r) => `${r.name} ${Math.round((r.rssBytes ?? 0) / MiB)} MiB`).join(', '),
        reason: total < RSS_BUDGET_MIB ? undefined : `the metrics processes use ${Math.round(total)} MiB`,
      }),
    );
  }
  const metricsFacts = component(ctx, 'metrics').facts;
  const startup = metricsFacts ? (await metricsFacts(ctx)).startup : undefined;
  const promMs = startup?.readyMs.prometheus;
  out.push(
    promMs === undefined
      ? check({ proof: 'live',
          id: '0-4.prometheus-startup',
          criteria: ['0-4.ac1'],
          title: 'Prometheus time to ready',
          status: 'skip',
          reason: metricsFacts
            ? 'no cold start recorded yet (up found Prometheus already running)'
            : `the ${ctx.target.name} target does not record start times`,
        })
      : check({ proof: 'live',
          id: '0-4.prometheus-startup',
          criteria: ['0-4.ac1'],
          title: 'Prometheus time to ready (spawn to /-/ready)',
          status: promMs < 60_000 ? 'pass' : 'fail',
          measured: promMs,
          unit: 'ms',
          threshold: '< 60000',
          evidence: `cold start at ${startup?.at}; ${Object.entries(startup?.readyMs ?? {})
            .map(([n, v]) => `${n} ${v} ms`)
            .join(', ')}`,
        }),
  );
  return out;
}

export const metrics = defineTask({
  id: '0-4',
  name: 'metrics',
  title: 'Metrics',
  // The event bus first: Prometheus scrapes the broker and the lag exporter reads its offsets.
  needs: ['0-2', '0-3'],
  component: 'metrics',
  verify: async (ctx) => [
    ...(await (await import('./checks.ts')).metricsChecks(ctx)),
    ...(await (await import('../../../validation/lib/define-check.ts')).runChecks(ctx, [
      // Issue 24: the alerting pipeline and the releases it runs.
      ...(await import('./alerting-checks.ts')).alertingChecks,
    ])),
    ...(await measuredChecks(ctx)),
    // Grafana's criteria where the platform console stands in for it (native); a skip elsewhere.
    ...(await (await import('../../../validation/lib/define-check.ts')).runChecks(
      ctx,
      (await import('./console-checks.ts')).consoleChecks,
    )),
  ],
  timeoutMs: 180_000,
});
