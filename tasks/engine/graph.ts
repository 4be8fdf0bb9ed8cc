// Builds and validates the task graph once, at load time: duplicate ids, needs that are not in
// the list, and cycles (with the whole path) are usage errors. Also the queries commands need:
// closure of a selection, topological layers, and the critical path given node durations.
import { UsageError, type BaseContext, type Task } from './task.ts';

export interface Graph<Ctx extends BaseContext = BaseContext> {
  /** Every node, in a topological order that keeps the input order where it can. */
  order: readonly Task<Ctx>[];
  byId: ReadonlyMap<string, Task<Ctx>>;
  /** id → nodes that need it directly. */
  dependents: ReadonlyMap<string, readonly Task<Ctx>[]>;
}

/** A graph that cannot run: exit 2, like any other configuration error. */
export class GraphError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'GraphError';
  }
}

export function buildGraph<Ctx extends BaseContext>(tasks: readonly Task<Ctx>[]): Graph<Ctx> {
  const byId = new Map<string, Task<Ctx>>();
  for (const t of tasks) {
    const seen = byId.get(t.id);
    if (seen)
      throw new GraphError(
        `task graph: duplicate task id '${t.id}' (${seen.name} and ${t.name}); give each node its own id`,
      );
    byId.set(t.id, t);
  }
  const dependents = new Map<string, Task<Ctx>[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) {
    for (const n of t.needs) {
      if (byId.get(n.id) !== n) {
        throw new GraphError(
          `task graph: ${t.id} (${t.name}) needs ${n.id} (${n.name}), which is not in the task list; add it to the list or drop the need`,
        );
      }
      dependents.get(n.id)!.push(t);
    }
  }
  const cycle = findCycle(tasks);
  if (cycle) throw new GraphError(`task graph: cycle ${cycle.join(' → ')}; remove one of these needs`);
  return { order: topoOrder(tasks), byId, dependents };
}

/** The first cycle found by depth-first search, as ids from a node back to itself. */
function findCycle<Ctx extends BaseContext>(tasks: readonly Task<Ctx>[]): string[] | undefined {
  const state = new Map<string, 'open' | 'closed'>();
  const stack: string[] = [];
  const visit = (t: Task<Ctx>): string[] | undefined => {
    const s = state.get(t.id);
    if (s === 'closed') return undefined;
    if (s === 'open') return [...stack.slice(stack.indexOf(t.id)), t.id];
    state.set(t.id, 'open');
    stack.push(t.id);
    for (const n of t.needs) {
      const c = visit(n);
      if (c) return c;
    }
    stack.pop();
    state.set(t.id, 'closed');
    return undefined;
  };
  for (const t of tasks) {
    const c = visit(t);
    if (c) return c;
  }
  return undefined;
}

/** Depth-first post-order: needs before the node, otherwise the input order (seed order). */
function topoOrder<Ctx extends BaseContext>(tasks: readonly Task<Ctx>[]): Task<Ctx>[] {
  const out: Task<Ctx>[] = [];
  const done = new Set<string>();
  const visit = (t: Task<Ctx>) => {
    if (done.has(t.id)) return;
    done.add(t.id);
    for (const n of t.needs) visit(n);
    out.push(t);
  };
  tasks.forEach(visit);
  return out;
}

/** Looks a node up by id (`0-3`) or name (`event-bus`); unknown → usage error listing what exists. */
export function resolveId<Ctx extends BaseContext>(graph: Graph<Ctx>, idOrName: string): Task<Ctx> {
  const t = graph.byId.get(idOrName) ?? graph.order.find((x) => x.name === idOrName);
  if (!t) {
    throw new UsageError(
      `unknown task id '${idOrName}'; known: ${graph.order.map((x) => x.id).join(', ')} (see 'tasks.ts list')`,
    );
  }
  return t;
}

/** The selected nodes and everything they need, in graph order. No ids: the whole graph. */
export function closure<Ctx extends BaseContext>(graph: Graph<Ctx>, ids: readonly string[]): Task<Ctx>[] {
  if (ids.length === 0) return [...graph.order];
  const keep = new Set<string>();
  const add = (t: Task<Ctx>) => {
    if (keep.has(t.id)) return;
    keep.add(t.id);
    t.needs.forEach(add);
  };
  ids.map((id) => resolveId(graph, id)).forEach(add);
  return graph.order.filter((t) => keep.has(t.id));
}

/** Layer k holds the nodes whose longest chain of needs inside `subset` has length k. */
export function layers<Ctx extends BaseContext>(
  graph: Graph<Ctx>,
  subset: readonly Task<Ctx>[] = graph.order,
): Task<Ctx>[][] {
  const inSet = new Set(subset.map((t) => t.id));
  const depth = new Map<string, number>();
  for (const t of graph.order) {
    if (!inSet.has(t.id)) continue;
    const d = Math.max(-1, ...t.needs.filter((n) => inSet.has(n.id)).map((n) => depth.get(n.id)!)) + 1;
    depth.set(t.id, d);
  }
  const out: Task<Ctx>[][] = [];
  for (const t of graph.order) {
    const d = depth.get(t.id);
    if (d !== undefined) (out[d] ??= []).push(t);
  }
  return out;
}

/**
 * The longest chain by summed duration among `subset` (missing durations count 0): the lower
 * bound of wall time at unlimited concurrency.
 */
export function criticalPath<Ctx extends BaseContext>(
  graph: Graph<Ctx>,
  durationMs: ReadonlyMap<string, number>,
  subset: readonly Task<Ctx>[] = graph.order,
): { ids: string[]; ms: number } {
  const inSet = new Set(subset.map((t) => t.id));
  const best = new Map<string, { ms: number; prev?: string }>();
  for (const t of graph.order) {
    if (!inSet.has(t.id)) continue;
    let prev: string | undefined;
    let before = 0;
    for (const n of t.needs) {
      const b = best.get(n.id);
      if (b && b.ms > before) {
        before = b.ms;
        prev = n.id;
      }
    }
    best.set(t.id, { ms: before + (durationMs.get(t.id) ?? 0), prev });
  }
  let end: string | undefined;
  let ms = 0;
  for (const [id, b] of best) {
    if (end === undefined || b.ms > ms) {
      end = id;
      ms = b.ms;
    }
  }
  const ids: string[] = [];
  for (let id = end; id !== undefined; id = best.get(id)?.prev) ids.unshift(id);
  return { ids, ms };
}
