// Seed task 0-6: Tracing. The target's `traces` component brings up the OTLP receiver and store
// (k3d: Tempo 2.10.8 monolithic by Helm; compose: the tempo service; native: Jaeger v2, standing
// in for Tempo). Verify sends its own trace through the service library's exporter and finds it
// again (checks.ts), and finds the demo service's request trace and a producer → Kafka →
// consumer trace across two processes by id (request-trace-checks.ts), and where the console
// stands in for Grafana, drives its trace view in a real browser (console-checks.ts).
import { defineTask, targetChecks } from '../define.ts';

export const traces = defineTask({
  id: '0-6',
  name: 'traces',
  title: 'Tracing (OTLP)',
  needs: ['0-5'],
  component: 'traces',
  verify: async (ctx) => {
    const { grafanaTempo, tempoReady, tempoRetention, tracingDocs, tracingOverhead } =
      await import('./checks.ts');
    const { requestTraceChecks } = await import('./request-trace-checks.ts');
    const { traceRoundTripChecks } = await import('./round-trip-checks.ts');
    const { consoleTraceView } = await import('./console-checks.ts');
    const roundTrip = await traceRoundTripChecks(ctx);
    return [
      await tempoReady.run(ctx),
      // The target's own trace-store checks (native: Jaeger answers its query API; its TTL).
      ...(await targetChecks(ctx, 'traces')),
      ...roundTrip.checks,
      ...(await requestTraceChecks(ctx)),
      await grafanaTempo(roundTrip.traceId).run(ctx),
      // Natively the console stands in for Grafana: a demo request's trace in its trace view.
      await consoleTraceView.run(ctx),
      await tracingOverhead.run(ctx),
      await tempoRetention.run(ctx),
      await tracingDocs.run(ctx),
    ];
  },
  timeoutMs: 300_000,
});
