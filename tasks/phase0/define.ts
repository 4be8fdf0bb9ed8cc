// defineTask bound to the platform context, plus the helper that maps a node onto a target component.
// A node names what it needs by seed id, so no task folder imports another's; index.ts lists the
// nodes and wire() turns the ids into the engine's references, in that one place.
import { GraphError } from '../engine/graph.ts';
import type { Applicability, TaskSpec, Task } from '../engine/task.ts';
import type { PlatformContext } from '../context.ts';
import type { ComponentId, Target } from '../targets/target.ts';
import type { SeedTaskId } from '../../validation/report/criteria.ts';

/** A phase-0 node, wired; `component` names the target component it maps onto (read by down/status/plan). */
export type PhaseTask = Task<PlatformContext> & { readonly component?: ComponentId };

/** A phase-0 node as its folder declares it: what it needs named by seed id (a typo does not compile). */
export type PhaseNode = Omit<PhaseTask, 'id' | 'needs'> & {
  readonly id: SeedTaskId;
  readonly needs: readonly SeedTaskId[];
};

/** 0-11, 0-12 and 0-13 need every task before them (they integrate, document and validate them), as the seed says. */
export const BEFORE_INTEGRATION = [
  '0-1',
  '0-2',
  '0-3',
  '0-4',
  '0-5',
  '0-6',
  '0-7',
  '0-8',
  '0-9',
  '0-10',
] as const satisfies readonly SeedTaskId[];

type PhaseSpec = Omit<TaskSpec<PlatformContext>, 'id' | 'needs'> & {
  id: SeedTaskId;
  needs?: readonly SeedTaskId[];
  component?: ComponentId;
};

/**
 * A node that maps onto a target component names it once, in `component`: it applies where the
 * target provides that component, and its status and run default to the component's.
 */
export function defineTask(spec: PhaseSpec): PhaseNode {
  const { component: id, needs = [], ...rest } = spec;
  if (!id) return Object.freeze({ ...rest, needs });
  return Object.freeze({
    applies: providedBy(id),
    status: (ctx: PlatformContext) => component(ctx, id).status(ctx),
    run: (ctx: PlatformContext) => component(ctx, id).up(ctx),
    ...rest,
    needs,
    component: id,
  });
}

/**
 * The engine's nodes for the declared ones: each id in `needs` becomes that node. The lists are
 * filled after every node exists, so the order of `nodes` does not matter; a cycle is left for
 * the engine's graph check to name.
 */
export function wire(nodes: readonly PhaseNode[]): readonly PhaseTask[] {
  const needs = nodes.map((): PhaseTask[] => []);
  const tasks: PhaseTask[] = nodes.map((n, i) => Object.freeze({ ...n, needs: needs[i]! }));
  const byId = new Map(tasks.map((t) => [t.id, t]));
  nodes.forEach((n, i) => {
    for (const id of n.needs) {
      const t = byId.get(id);
      if (!t)
        throw new GraphError(
          `task graph: ${n.id} (${n.name}) needs ${id}, which is not in the task list; add it to the list or drop the need`,
        );
      needs[i]!.push(t);
    }
    Object.freeze(needs[i]);
  });
  return tasks;
}

/** Applies when the active target provides the component; otherwise a skip naming the target. */
export const providedBy =
  (component: ComponentId) =>
  (ctx: PlatformContext): Applicability =>
    ctx.target.components[component]
      ? true
      : { notApplicable: `the ${ctx.target.name} target does not provide ${component}` };

/**
 * The node's title on a target: its own title plus what the target runs for the node's
 * component (`Tracing (OTLP): Tempo by Helm` on k3d, the native trace store natively), so a
 * seed product name never stands in for a substitute.
 */
export function titleOn(
  task: { title: string; component?: ComponentId },
  target: Target<PlatformContext>,
): string {
  const id = task.component;
  const what = id ? target.components[id]?.describe : undefined;
  return what ? `${task.title}: ${what}` : task.title;
}

/** The checks only the active target's component can give (none when it has no `checks`). */
export const targetChecks = async (ctx: PlatformContext, id: ComponentId) =>
  (await ctx.target.components[id]?.checks?.(ctx)) ?? [];

/** The component, or a clear error (callers check `providedBy` first). */
export function component(ctx: PlatformContext, id: ComponentId) {
  const c = ctx.target.components[id];
  if (!c) throw new Error(`the ${ctx.target.name} target does not provide ${id}`);
  return c;
}
