// Seed task 0-5: Logging. The target's `logs` component brings up collection and storage (k3d:
// Loki single binary + Alloy by Helm; compose: the loki and alloy services; native: JSON-line files
// under .platform/logs, no Loki). Verify runs tasks/phase0/05-logs/checks.ts against the endpoints.
import { defineTask, targetChecks } from '../define.ts';
import { metrics } from '../04-metrics/index.ts';

export const logs = defineTask({
  id: '0-5',
  name: 'logs',
  title: 'Logging (structured JSON logs)',
  needs: [metrics],
  component: 'logs',
  verify: async (ctx) => {
    const {
      alloyCollectingCheck,
      grafanaLokiCheck,
      logFormatCheck,
      logqlDocsCheck,
      lokiQueryChecks,
      lokiReadyCheck,
      lokiRetentionCheck,
    } = await import('./checks.ts');
    return [
      await logFormatCheck(),
      // The target's own log checks (native: its processes' JSON-line files).
      ...(await targetChecks(ctx, 'logs')),
      await lokiReadyCheck(ctx),
      ...(await lokiQueryChecks(ctx)),
      await alloyCollectingCheck(ctx),
      await grafanaLokiCheck(ctx),
      await lokiRetentionCheck(ctx),
      await logqlDocsCheck(ctx.paths),
    ];
  },
  timeoutMs: 300_000,
});
