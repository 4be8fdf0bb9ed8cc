// Seed task 0-5: Logging. The target's `logs` component brings up collection and storage (k3d:
// Loki single binary + Alloy by Helm; compose: the loki and alloy services; native: VictoriaLogs
// fed by an OpenTelemetry Collector tailing every process's JSON log, standing in for Loki and
// Alloy). Verify runs checks.ts (Loki) and victorialogs-checks.ts (LogsQL) against the endpoints.
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
    const { victoriaLogsChecks } = await import('./victorialogs-checks.ts');
    const { logMetricCorrelation } = await import('./correlation-check.ts');
    return [
      await logFormatCheck(),
      // The target's own log checks (native: every supervised process's log is in VictoriaLogs).
      ...(await targetChecks(ctx, 'logs')),
      await lokiReadyCheck(ctx),
      ...(await lokiQueryChecks(ctx)),
      await alloyCollectingCheck(ctx),
      await grafanaLokiCheck(ctx),
      await lokiRetentionCheck(ctx),
      ...(await victoriaLogsChecks(ctx.target.endpoints().logsql)),
      await logMetricCorrelation.run(ctx),
      await logqlDocsCheck(ctx.paths),
    ];
  },
  timeoutMs: 300_000,
});
