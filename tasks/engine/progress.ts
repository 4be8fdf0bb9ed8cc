// Shows engine events: listr2's default renderer on a TTY, one plain line per event when not a
// TTY or CI is set (no spinners or ANSI codes in logs), or one JSON object per line (--json).
// Every string printed passes through the caller's redact (io.redact).
// listr2 loads only when the TTY renderer starts: plain and JSON runs never pay for it.
import type { ListrTaskWrapper } from 'listr2';
import { noRedaction, redactStrings, type Redact } from './redaction.ts';
import { fmtMs, type EngineEvent } from './scheduler.ts';

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
}

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

const STATE_WORD: Record<string, string> = {
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

function plainProgress(io: ProgressIO): Progress {
  const redact = io.redact ?? noRedaction;
  const label = (id: string, name: string) => `[${id} ${name}]`;
  const names = new Map<string, string>();
  return {
    onEvent(e) {
      const say = (s: string) => io.out(redact(s));
      switch (e.type) {
        case 'run-start':
          e.nodes.forEach((n) => names.set(n.id, n.name));
          say(
            `${e.command}: ${e.nodes.length} node(s) [${e.nodes.map((n) => n.id).join(', ')}], concurrency ${e.concurrency}`,
          );
          break;
        case 'node-start':
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
          say(summaryLine(e));
      }
    },
    done: async () => {},
  };
}

interface Deferred {
  resolve: (e: Extract<EngineEvent, { type: 'node-end' }>) => void;
  promise: Promise<Extract<EngineEvent, { type: 'node-end' }>>;
  wrapper?: ListrTaskWrapper<unknown, never, never>;
}

function ttyProgress(io: ProgressIO): Progress {
  const redact = io.redact ?? noRedaction;
  const nodes = new Map<string, Deferred>();
  const failures: Extract<EngineEvent, { type: 'node-end' }>[] = [];
  const latest = new Map<string, string>();
  // A node waiting names only the needs that have not finished yet, updated as they finish.
  const needsOf = new Map<string, { title: string; needs: string[] }>();
  const ended = new Set<string>();
  const waitingTitle = (id: string) => {
    const n = needsOf.get(id)!;
    const open = n.needs.filter((x) => !ended.has(x));
    return redact(`${id} ${n.title} (waiting${open.length ? ` for ${open.join(', ')}` : ''})`);
  };
  const setTitle = (id: string, w: { title: string } | undefined, title: string) => {
    if (w) w.title = title;
    io.onTitle?.(id, title);
  };
  let listr: Promise<unknown> = Promise.resolve();
  let summary = '';
  return {
    onEvent(e) {
      switch (e.type) {
        case 'run-start': {
          for (const n of e.nodes) {
            needsOf.set(n.id, { title: n.title, needs: n.needs });
            let resolve!: Deferred['resolve'];
            const promise = new Promise<Extract<EngineEvent, { type: 'node-end' }>>((r) => (resolve = r));
            nodes.set(n.id, { resolve, promise });
          }
          const tasks = () =>
            e.nodes.map((n) => ({
              title: redact(`${n.id} ${n.title}`),
              task: async (_: unknown, task: ListrTaskWrapper<unknown, never, never>) => {
                const d = nodes.get(n.id)!;
                d.wrapper = task;
                // The engine may have started the node before listr ran this function.
                setTitle(n.id, task, latest.get(n.id) ?? waitingTitle(n.id));
                const end = await d.promise;
                const took = end.durationMs > 0 ? ` ${fmtMs(end.durationMs)}` : '';
                if (
                  end.state === 'skipped' ||
                  end.state === 'not-applicable' ||
                  end.state === 'interrupted'
                ) {
                  task.skip(
                    redact(
                      `${n.id} ${n.title}: ${STATE_WORD[end.state]}${end.reason ? `: ${end.reason}` : ''}`,
                    ),
                  );
                  return;
                }
                if (end.state === 'failed')
                  throw new Error(redact(`${n.id} ${n.title}: ${end.reason ?? 'failed'}`));
                setTitle(n.id, task, redact(`${n.id} ${n.title} (${STATE_WORD[end.state]}${took})`));
              },
            }));
          listr = import('listr2')
            .then(({ Listr }) =>
              new Listr(tasks(), {
                concurrent: true,
                exitOnError: false,
                registerSignalListeners: false,
                collectErrors: false,
                ...(io.silent ? { renderer: 'silent' } : {}),
              } as never).run(),
            )
            .catch(() => undefined);
          break;
        }
        case 'node-start': {
          const title = redact(
            `${e.id} ${e.title} (${e.step === 'status' ? 'checking status' : e.step === 'verify' ? 'verifying' : `running${e.attempt > 1 ? `, attempt ${e.attempt}` : ''}`})`,
          );
          latest.set(e.id, title);
          const w = nodes.get(e.id)?.wrapper;
          if (w) setTitle(e.id, w, title);
          break;
        }
        case 'node-note': {
          const w = nodes.get(e.id)?.wrapper;
          if (w) w.output = redact(e.line);
          break;
        }
        case 'node-retry': {
          const w = nodes.get(e.id)?.wrapper;
          if (w)
            w.output = redact(
              `attempt ${e.attempt - 1} failed (${e.error}); retrying in ${fmtMs(e.delayMs)}`,
            );
          break;
        }
        case 'node-end':
          if (e.state === 'failed') failures.push(e);
          ended.add(e.id);
          nodes.get(e.id)?.resolve(e);
          for (const [id, d] of nodes) {
            if (d.wrapper && !latest.has(id) && !ended.has(id)) setTitle(id, d.wrapper, waitingTitle(id));
          }
          break;
        case 'run-end':
          summary = summaryLine(e);
      }
    },
    async done() {
      await listr;
      for (const f of failures) {
        io.out(redact(`[${f.id} ${f.name}] FAILED: ${f.reason ?? ''}`));
        failureLines(f).forEach((l) => io.out(redact(l)));
      }
      if (summary) io.out(redact(summary));
    },
  };
}
