// defineTask bound to the platform context, plus the helper that maps a node onto a target component.
import { defineTask as defineGeneric, type Applicability, type TaskSpec, type Task } from '../engine/task.ts';
import type { PlatformContext } from '../context.ts';
import type { ComponentId, Target } from '../targets/target.ts';

/** A phase-0 node; `component` names the target component it maps onto (read by down/status/plan). */
export type PhaseTask = Task<PlatformContext> & { readonly component?: ComponentId };

/**
 * A node that maps onto a target component names it once, in `component`: it applies where the
 * target provides that component, and its status and run default to the component's.
 */
export function defineTask(spec: TaskSpec<PlatformContext> & { component?: ComponentId }): PhaseTask {
  const { component: id, ...rest } = spec;
  if (!id) return defineGeneric(rest);
  return Object.freeze({
    ...defineGeneric({
      applies: providedBy(id),
      status: (ctx) => component(ctx, id).status(ctx),
      run: (ctx) => component(ctx, id).up(ctx),
      ...rest,
    }),
    component: id,
  });
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
