// The words both renderers print for a node's end and the run's end, so a plain log and a TTY
// say the same thing.
import { fmtMs } from './attempt.ts';
import type { EngineEvent } from './run-types.ts';

export const STATE_WORD: Record<string, string> = {
  done: 'done',
  'up-to-date': 'already up',
  failed: 'FAILED',
  skipped: 'skipped',
  'not-applicable': 'not applicable',
  interrupted: 'interrupted',
};

/** The lines printed for a failed node: reason, last log lines, log path. */
export function failureLines(e: Extract<EngineEvent, { type: 'node-end' }>): string[] {
  const lines: string[] = [];
  if (e.logTail) for (const l of e.logTail.split('\n')) lines.push(`    | ${l}`);
  if (e.logFile) lines.push(`    log: ${e.logFile}`);
  return lines;
}

export function summaryLine(e: Extract<EngineEvent, { type: 'run-end' }>): string {
  const parts = Object.entries(e.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${STATE_WORD[s] ?? s}`);
  return `${e.command} ${e.interrupted ? 'interrupted' : 'finished'} in ${fmtMs(e.durationMs)}: ${parts.join(', ') || 'nothing selected'}`;
}
