// Graceful shutdown on SIGTERM (what Kubernetes and the platform's supervisor send) and SIGINT:
// /ready turns 503, the server stops accepting and drains in-flight requests, the consumer
// finishes the message in hand and leaves its group, spans are flushed, exit 0. If that takes
// longer than the bound, exit 1 so the platform sees a shutdown that did not drain.

export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export interface ShutdownOptions {
  timeoutMs: number;
  steps: ShutdownStep[];
  log: (fields: Record<string, unknown>, message: string) => void;
  /** Default process.exit; tests pass their own. */
  exit?: (code: number) => void;
}

/** Runs the steps in order, each failure logged and the next step still run. Returns the exit code. */
export async function runShutdown(opts: ShutdownOptions): Promise<number> {
  const t0 = performance.now();
  let code = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
  });
  const steps = (async () => {
    for (const step of opts.steps) {
      try {
        await step.run();
      } catch (e) {
        code = 1;
        opts.log({ step: step.name, error: (e as Error).message }, 'shutdown step failed');
      }
    }
    return 'done' as const;
  })();
  const outcome = await Promise.race([steps, deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    opts.log({ timeout_ms: opts.timeoutMs }, 'shutdown did not finish in time; exiting anyway');
    return 1;
  }
  opts.log({ duration_ms: Math.round(performance.now() - t0), exit_code: code }, 'shutdown complete');
  return code;
}

/** Calls `runShutdown` on the first SIGTERM/SIGINT; a second signal exits at once. */
export function onTerminate(opts: ShutdownOptions & { before?: () => void }): void {
  const exit = opts.exit ?? ((c: number) => process.exit(c));
  let started = false;
  const handler = (signal: NodeJS.Signals) => {
    if (started) return exit(130);
    started = true;
    opts.log({ signal }, 'shutting down');
    opts.before?.();
    void runShutdown(opts).then(exit);
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
