// Seed task 0-5: Logging. The target's `logs` component brings up collection and storage (k3d:
// Loki single binary + Alloy by Helm; compose: the loki and alloy services; native: VictoriaLogs
// fed by an OpenTelemetry Collector tailing every process's JSON log, standing in for Loki and
// Alloy). Verify runs checks.ts (format, Loki) and victorialogs-checks.ts (LogsQL) against the endpoints.
import { runChecks } from '../../../validation/lib/define-check.ts';
import { defineTask, targetChecks } from '../define.ts';

export const logs = defineTask({
  id: '0-5',
  name: 'logs',
  title: 'Logging (structured JSON logs)',
  needs: ['0-4'],
  component: 'logs',
  verify: async (ctx) => {
    const { FORMAT_CHECK, LOKI_CHECKS, DOCS_CHECK } = await import('./checks.ts');
    const { VICTORIA_LOGS_CHECKS } = await import('./victorialogs-checks.ts');
    const { logMetricCorrelation } = await import('./correlation-check.ts');
    return [
      ...(await runChecks(ctx, [FORMAT_CHECK])),
      // The target's own log checks (native: every supervised process's log is in VictoriaLogs).
      ...(await targetChecks(ctx, 'logs')),
      ...(await runChecks(ctx, [...LOKI_CHECKS, ...VICTORIA_LOGS_CHECKS, logMetricCorrelation, DOCS_CHECK])),
    ];
  },
  timeoutMs: 300_000,
});
