// The OTLP tracing a check registers in this process (the service library's own exporter), one
// check at a time. Used by 0-5 and 0-6.
import { startTracing, type Tracing, type TracingOptions } from '../../templates/service/src/lib/tracing.ts';

// OpenTelemetry globals (context manager, propagator) exist once per process: checks that need
// them take turns, so concurrent verify steps never collide on the registration.
let tracingTurn: Promise<unknown> = Promise.resolve();

/** Runs `fn` with tracing registered as the process globals, then shuts it down (flushing spans). */
export function exclusiveTracing<T>(opts: TracingOptions, fn: (t: Tracing) => Promise<T>): Promise<T> {
  const run = tracingTurn.then(async () => {
    const t = startTracing(opts);
    try {
      return await fn(t);
    } finally {
      await t.shutdown();
    }
  });
  tracingTurn = run.catch(() => undefined);
  return run;
}
