// Shows engine events: listr2's default renderer on a TTY, one plain line per event when not a
// TTY or CI is set (no spinners or ANSI codes in logs), or one JSON object per line (--json).
// Every string printed passes through the caller's redact (io.redact).
// listr2 loads only when the TTY renderer starts: plain and JSON runs never pay for it.
import { noRedaction, redactStrings, type Redact } from './redaction.ts';
import { fmtMs } from './attempt.ts';
import { failureLines, STATE_WORD, summaryLine } from './progress-lines.ts';
import { ttyProgress } from './progress-tty.ts';
import type { EngineEvent } from './run-types.ts';

export type ProgressMode = 'tty' | 'plain' | 'json';

export interface ProgressIO {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Applied to every line printed (the CLI passes the settings' secret registry). */
  redact?: Redact;
  /** TTY mode: told every title a node's line takes (tests watch the titles through it). */
  onTitle?: (id: string, title: string) => void;
  /** TTY mode: drive listr2 without drawing (tests). */
  silent?: boolean;
  /** Plain mode: the longest silence while a node works before a `still running` line (tests shorten it). */
  quietMs?: number;
}

/** Plain output is never silent for longer while a node runs (logs, CI, a non-TTY terminal). */
export const QUIET_MS = 10_000;

export interface Progress {
  onEvent: (e: EngineEvent) => void;
  /** Waits for the renderer to finish and prints what it held back (failed nodes' log tails). */
  done: () => Promise<void>;
}

export function chooseMode(opts: { json?: boolean; isTTY?: boolean; env?: NodeJS.ProcessEnv }): ProgressMode {
  if (opts.json) return 'json';
  const ci = opts.env?.CI;
  return opts.isTTY && (ci === undefined || ci === '' || ci === 'false') ? 'tty' : 'plain';
}

export function createProgress(mode: ProgressMode, io: ProgressIO): Progress {
  const redact = io.redact ?? noRedaction;
  if (mode === 'json')
    return { onEvent: (e) => io.out(JSON.stringify(redactStrings(e, redact))), done: async () => {} };
  if (mode === 'plain') return plainProgress(io);
  return ttyProgress(io);
}

function plainProgress(io: ProgressIO): Progress {
  const redact = io.redact ?? noRedaction;
  const label = (id: string, name: string) => `[${id} ${name}]`;
  const names = new Map<string, string>();
  // A node working without notes (Kafka starting, a check waiting on a scrape) would leave the
  // log silent: after quietMs without a line, one line names what runs and for how long.
  const quietMs = io.quietMs ?? QUIET_MS;
  const running = new Map<string, number>();
  let lastLine = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const say = (s: string) => {
    lastLine = Date.now();
    io.out(redact(s));
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const tick = Math.max(10, Math.floor(quietMs / 10));
  const watch = () => {
    timer ??= setInterval(() => {
      const now = Date.now();
      // A tick early, so that the gap between two lines never exceeds quietMs.
      if (running.size === 0 || now - lastLine < quietMs - tick) return;
      const secs = (t0: number) => `${Math.round((now - t0) / 1000)} s`;
      say(`still running: ${[...running].map(([id, t0]) => `${label(id, names.get(id) ?? '')} ${secs(t0)}`).join(', ')}`);
    }, tick);
    timer.unref();
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case 'run-start':
          e.nodes.forEach((n) => names.set(n.id, n.name));
          say(
            `${e.command}: ${e.nodes.length} node(s) [${e.nodes.map((n) => n.id).join(', ')}], concurrency ${e.concurrency}`,
          );
          break;
        case 'node-start':
          if (!running.has(e.id)) running.set(e.id, e.at);
          watch();
          say(
            `${label(e.id, e.name)} ${e.step === 'status' ? 'checking status' : e.step === 'verify' ? 'verifying' : `running${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`}`,
          );
          break;
        case 'node-retry':
          say(
            `${label(e.id, names.get(e.id) ?? '')} attempt ${e.attempt - 1} failed (${e.error}); retrying in ${fmtMs(e.delayMs)}`,
          );
          break;
        case 'node-note':
          say(`${label(e.id, e.name)}   ${e.line}`);
          break;
        case 'node-end': {
          running.delete(e.id);
          // Only work that ran has a duration worth printing (skips and n/a take ~0 ms).
          const took = e.state === 'done' || e.state === 'failed' ? ` in ${fmtMs(e.durationMs)}` : '';
          const checks = e.checks?.length
            ? ` (${e.checks.filter((c) => c.status === 'pass').length}/${e.checks.length} checks pass)`
            : '';
          say(
            `${label(e.id, e.name)} ${STATE_WORD[e.state] ?? e.state}${took}${checks}${e.reason ? `: ${e.reason}` : ''}`,
          );
          if (e.state === 'failed') failureLines(e).forEach(say);
          break;
        }
        case 'run-end':
          stop();
          say(summaryLine(e));
      }
    },
    done: async () => stop(),
  };
}
