// Ctrl-C and SIGTERM during a command: the first press aborts the run's signal (running tasks
// stop their processes, state is written); a second press exits at once. After an interrupted
// run, a node that ignored its signal may still hold the event loop open: the handler stays and
// the process exits anyway after a short wait.
export interface Interrupts {
  /** Called once the command has returned or thrown. */
  settle: () => void;
}

export function handleInterrupts(
  prog: string,
  controller: AbortController,
  err: (line: string) => void,
  install: boolean,
): Interrupts {
  let presses = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    presses++;
    if (presses === 1) {
      err(
        `${prog}: ${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping running tasks and their processes, writing state (press Ctrl-C again to force)`,
      );
      controller.abort(new Error(`interrupted (${sig})`));
      return;
    }
    err(`${prog}: forced exit; processes of the running tasks may be left behind`);
    process.exit(130);
  };
  if (install) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const settle = () => {
    if (!install) return;
    if (controller.signal.aborted) {
      // Keep the second-press handler and exit anyway (unref: no wait if all is done).
      setTimeout(() => {
        err(`${prog}: something of the interrupted run is still running; exiting`);
        process.exit(130);
      }, 2_000).unref();
    } else {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
  return { settle };
}
