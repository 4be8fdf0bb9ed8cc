// Runs one of Kafka's JVM tools (ProducerPerformance, EndToEndLatency) as a child process:
// each stdout line to the caller, the last stderr lines kept for the error, a stall when
// nothing is printed for too long, SIGTERM on Ctrl-C or a failure the caller reports.
import readline from 'node:readline';
import { execa } from 'execa';
import { nowUs } from './clock.ts';
import type { RunControl } from './control.ts';
import type { PerfTestJvm } from './perf-test.ts';

/** The JVM takes a few seconds to start (more on a busy machine) before its first line. */
export const JVM_START_GRACE_MS = 30_000;

export interface JvmToolRun {
  exitCode?: number;
  signal?: string;
  /** The last 20 stderr lines. */
  stderrTail: string[];
}

export async function runJvmTool(
  jvm: PerfTestJvm,
  args: string[],
  ctl: RunControl,
  o: {
    /** Silence on stdout after the first line (or the start grace) that counts as a stall. */
    silenceMs: number;
    stalled: () => string;
    onStdout: (line: string) => void;
    onStderr?: (line: string) => void;
  },
): Promise<JvmToolRun> {
  const stderrTail: string[] = [];
  let lastLineUs = nowUs() + JVM_START_GRACE_MS * 1000;
  const sub = execa(jvm.java, args, { reject: false, buffer: false, stdin: 'ignore', forceKillAfterDelay: 2000 });
  const exited = sub.then((r) => r);
  readline.createInterface({ input: sub.stdout! }).on('line', (line) => {
    lastLineUs = nowUs();
    o.onStdout(line);
  });
  readline.createInterface({ input: sub.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    o.onStderr?.(line);
  });
  ctl.watchdog(() => true, () => lastLineUs, o.silenceMs, o.stalled);
  await Promise.race([exited, ctl.whenStopped]);
  if (ctl.stopped) sub.kill('SIGTERM');
  const r = await exited;
  return {
    ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
    ...(r.signal ? { signal: r.signal } : {}),
    stderrTail,
  };
}
