// Which nodes of a run may start: each counts its unfinished needs inside the selection and joins
// the ready queue at zero (FIFO from graph order, so runs are deterministic; O(nodes + edges) per
// run). In `up`, a node whose need did not succeed is skipped instead, naming the node that failed
// first in the chain.
import type { Graph } from './graph.ts';
import { logFileOf } from './run-node.ts';
import type { EngineEvent, RunOptions } from './run-types.ts';
import type { NodeRecord, NodeState } from './state.ts';
import type { BaseContext, Task } from './task.ts';

/** Satisfied needs let dependents start; anything else blocks them (up) or is ignored (verify). */
export const SATISFIED: ReadonlySet<NodeState> = new Set(['done', 'up-to-date', 'not-applicable']);

export interface Readiness<Ctx extends BaseContext> {
  /** Outcomes so far, by node id. */
  results: Map<string, NodeRecord>;
  /** Nodes with no outcome yet. */
  pending: Set<string>;
  /** The next node whose needs are all finished, if any. */
  next: () => Task<Ctx> | undefined;
  /** Records a node's outcome, announces it and releases (or, in `up`, skips) its dependents. */
  finish: (t: Task<Ctx>, rec: NodeRecord, logTail?: string) => void;
  skip: (t: Task<Ctx>, reason: string) => void;
}

export function readiness<Ctx extends BaseContext>(
  graph: Graph<Ctx>,
  order: readonly Task<Ctx>[],
  inSel: ReadonlySet<string>,
  opts: RunOptions<Ctx>,
  emit: (e: EngineEvent) => void,
): Readiness<Ctx> {
  const titleOf = opts.titleOf ?? ((t: Task<Ctx>) => t.title);
  const results = new Map<string, NodeRecord>();
  const pending = new Set(order.map((t) => t.id));
  const remaining = new Map(order.map((t) => [t.id, t.needs.filter((n) => inSel.has(n.id)).length]));
  const readyQ: Task<Ctx>[] = order.filter((t) => remaining.get(t.id) === 0);
  let head = 0;

  const finish = (t: Task<Ctx>, rec: NodeRecord, logTail?: string) => {
    results.set(t.id, rec);
    pending.delete(t.id);
    const durationMs =
      rec.startedAt !== undefined && rec.endedAt !== undefined ? rec.endedAt - rec.startedAt : 0;
    emit({
      type: 'node-end',
      ...rec,
      title: titleOf(t),
      at: rec.endedAt ?? Date.now(),
      durationMs,
      ...(logTail ? { logTail } : {}),
    });
    const blocks = opts.command === 'up' && !SATISFIED.has(rec.state);
    for (const d of graph.dependents.get(t.id) ?? []) {
      if (!pending.has(d.id)) continue;
      if (blocks) {
        skip(
          d,
          rec.reason?.startsWith('blocked by ')
            ? rec.reason
            : `blocked by ${t.id} (${rec.state}${rec.reason ? `: ${rec.reason}` : ''})`,
        );
        continue;
      }
      const left = remaining.get(d.id)! - 1;
      remaining.set(d.id, left);
      if (left === 0) readyQ.push(d);
    }
  };

  const skip = (t: Task<Ctx>, reason: string) =>
    finish(t, { id: t.id, name: t.name, state: 'skipped', reason, logFile: logFileOf(opts.logDir, t.id) });

  const next = () => {
    while (head < readyQ.length) {
      const t = readyQ[head++]!;
      if (pending.has(t.id)) return t;
    }
    return undefined;
  };
  return { results, pending, next, finish, skip };
}
