// The TTY renderer: one listr2 line per node, titled by what it does now (waiting for which
// needs, checking status, running, attempt n) with its last note below; failed nodes' log tails
// are held back and printed once listr2 has drawn its last frame, so nothing overdraws them.
// listr2 loads only when this renderer starts: plain and JSON runs never pay for it.
import type { ListrTaskWrapper } from 'listr2';
import { fmtMs } from './attempt.ts';
import { failureLines, STATE_WORD, summaryLine } from './progress-lines.ts';
import type { Progress, ProgressIO } from './progress.ts';
import { noRedaction, type Redact } from './redaction.ts';
import type { EngineEvent } from './run-types.ts';

type NodeEnd = Extract<EngineEvent, { type: 'node-end' }>;
type Wrapper = ListrTaskWrapper<unknown, never, never>;

interface Deferred {
  resolve: (e: NodeEnd) => void;
  promise: Promise<NodeEnd>;
  wrapper?: Wrapper;
}

/** What the renderer knows of each node, and how it retitles a node's line. */
interface Board {
  io: ProgressIO;
  redact: Redact;
  nodes: Map<string, Deferred>;
  /** The title of the step a node last started. */
  latest: Map<string, string>;
  needsOf: Map<string, { title: string; needs: string[] }>;
  ended: Set<string>;
}

// A node waiting names only the needs that have not finished yet, updated as they finish.
function waitingTitle(b: Board, id: string): string {
  const n = b.needsOf.get(id)!;
  const open = n.needs.filter((x) => !b.ended.has(x));
  return b.redact(`${id} ${n.title} (waiting${open.length ? ` for ${open.join(', ')}` : ''})`);
}

function setTitle(b: Board, id: string, w: { title: string } | undefined, title: string): void {
  if (w) w.title = title;
  b.io.onTitle?.(id, title);
}

/** listr2's task per node: it waits for the node's end and shows it as done, skipped or failed. */
function listrTasks(b: Board, e: Extract<EngineEvent, { type: 'run-start' }>) {
  const { redact } = b;
  return e.nodes.map((n) => ({
    title: redact(`${n.id} ${n.title}`),
    task: async (_: unknown, task: Wrapper) => {
      const d = b.nodes.get(n.id)!;
      d.wrapper = task;
      // The engine may have started the node before listr ran this function.
      setTitle(b, n.id, task, b.latest.get(n.id) ?? waitingTitle(b, n.id));
      const end = await d.promise;
      const took = end.durationMs > 0 ? ` ${fmtMs(end.durationMs)}` : '';
      if (end.state === 'skipped' || end.state === 'not-applicable' || end.state === 'interrupted') {
        task.skip(
          redact(`${n.id} ${n.title}: ${STATE_WORD[end.state]}${end.reason ? `: ${end.reason}` : ''}`),
        );
        return;
      }
      if (end.state === 'failed') throw new Error(redact(`${n.id} ${n.title}: ${end.reason ?? 'failed'}`));
      setTitle(b, n.id, task, redact(`${n.id} ${n.title} (${STATE_WORD[end.state]}${took})`));
    },
  }));
}

function startListr(b: Board, e: Extract<EngineEvent, { type: 'run-start' }>): Promise<unknown> {
  for (const n of e.nodes) {
    b.needsOf.set(n.id, { title: n.title, needs: n.needs });
    let resolve!: Deferred['resolve'];
    const promise = new Promise<NodeEnd>((r) => (resolve = r));
    b.nodes.set(n.id, { resolve, promise });
  }
  return import('listr2')
    .then(({ Listr }) =>
      new Listr(listrTasks(b, e), {
        concurrent: true,
        exitOnError: false,
        registerSignalListeners: false,
        collectErrors: false,
        ...(b.io.silent ? { renderer: 'silent' } : {}),
      } as never).run(),
    )
    .catch(() => undefined);
}

/** A node's line and note while it runs (start, note, retry). */
function onRunning(b: Board, e: Extract<EngineEvent, { type: 'node-start' | 'node-note' | 'node-retry' }>) {
  const w = b.nodes.get(e.id)?.wrapper;
  if (e.type === 'node-start') {
    const title = b.redact(
      `${e.id} ${e.title} (${e.step === 'status' ? 'checking status' : e.step === 'verify' ? 'verifying' : `running${e.attempt > 1 ? `, attempt ${e.attempt}` : ''}`})`,
    );
    b.latest.set(e.id, title);
    if (w) setTitle(b, e.id, w, title);
  } else if (w && e.type === 'node-note') w.output = b.redact(e.line);
  else if (w && e.type === 'node-retry')
    w.output = b.redact(`attempt ${e.attempt - 1} failed (${e.error}); retrying in ${fmtMs(e.delayMs)}`);
}

export function ttyProgress(io: ProgressIO): Progress {
  const b: Board = {
    io,
    redact: io.redact ?? noRedaction,
    nodes: new Map(),
    latest: new Map(),
    needsOf: new Map(),
    ended: new Set(),
  };
  const failures: NodeEnd[] = [];
  let listr: Promise<unknown> = Promise.resolve();
  let summary = '';
  return {
    onEvent(e) {
      switch (e.type) {
        case 'run-start':
          listr = startListr(b, e);
          break;
        case 'node-start':
        case 'node-note':
        case 'node-retry':
          onRunning(b, e);
          break;
        case 'node-end':
          if (e.state === 'failed') failures.push(e);
          b.ended.add(e.id);
          b.nodes.get(e.id)?.resolve(e);
          for (const [id, d] of b.nodes) {
            if (d.wrapper && !b.latest.has(id) && !b.ended.has(id))
              setTitle(b, id, d.wrapper, waitingTitle(b, id));
          }
          break;
        case 'run-end':
          summary = summaryLine(e);
      }
    },
    async done() {
      await listr;
      for (const f of failures) {
        io.out(b.redact(`[${f.id} ${f.name}] FAILED: ${f.reason ?? ''}`));
        failureLines(f).forEach((l) => io.out(b.redact(l)));
      }
      if (summary) io.out(b.redact(summary));
    },
  };
}
