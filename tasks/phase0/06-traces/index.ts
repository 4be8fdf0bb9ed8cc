// Seed task 0-6: Tracing. The target's `traces` component brings up the OTLP receiver and store
// (k3d: Tempo 2.10.8 monolithic by Helm; compose: the tempo service; native: the development trace
// sink, a supervised OTLP gRPC receiver writing JSON lines, not Tempo). Verify sends its own trace
// through the service library's exporter and finds it again (tasks/phase0/06-traces/checks.ts).
import { defineTask } from '../define.ts';
import { logs } from '../05-logs/index.ts';

export const traces = defineTask({
  id: '0-6',
  name: 'traces',
  title: 'Tracing (OTLP)',
  needs: [logs],
  component: 'traces',
  verify: async (ctx) => {
    const {
      grafanaTempoCheck,
      tempoReadyCheck,
      tempoRetentionCheck,
      traceRoundTripChecks,
      tracingDocsCheck,
      tracingOverheadCheck,
    } = await import('./checks.ts');
    const roundTrip = await traceRoundTripChecks(ctx);
    return [
      await tempoReadyCheck(ctx),
      ...roundTrip.checks,
      await grafanaTempoCheck(ctx, roundTrip.traceId),
      await tracingOverheadCheck(),
      await tempoRetentionCheck(ctx),
      await tracingDocsCheck(ctx.paths),
    ];
  },
  timeoutMs: 300_000,
});
