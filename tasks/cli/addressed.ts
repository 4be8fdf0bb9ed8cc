// What the words after `logs` and `restart` name. One list on every target: a component id
// (event-bus, metrics, logs, traces, demo, … — the graph's components the target provides) or
// the name of one of its sources as `status` shows it (native: kafka, prometheus, demo-service;
// compose: the service; k3d: the workload). Derived from the target, never a hand list, so a
// component added later is addressable as soon as the target lists it.
import type { PlatformContext } from '../context.ts';
import { UsageError } from '../engine/task.ts';
import type { ComponentId, LogQuery, LogSource, Target, TargetName } from '../targets/target.ts';
import { componentOrder, type Session } from './session.ts';

export interface Unit {
  id: ComponentId;
  /** Its sources (processes, pods, services), in the target's order. */
  sources: LogSource[];
}

/** Every component of the target with its log sources, in dependency order. */
export async function unitsOf(
  s: Pick<Session, 'graph' | 'target'>,
  ctx: PlatformContext,
  q: LogQuery,
  target: Target<PlatformContext> = s.target,
): Promise<Unit[]> {
  // componentOrder also names the graph's components this target does not provide.
  const ids = componentOrder(s.graph, target).filter((id) => target.components[id]);
  return Promise.all(
    ids.map(async (id) => {
      const c = target.components[id]!;
      return { id, sources: c.logs ? await c.logs(ctx, q) : [] };
    }),
  );
}

const known = (units: readonly Unit[]) =>
  units
    .map((u) => {
      const names = u.sources.map((x) => x.name).filter((n) => n !== u.id);
      return names.length ? `${u.id} (${names.join(', ')})` : u.id;
    })
    .join(', ');

/** Where else a word names something: the other targets that have it, for the error. */
async function elsewhere(
  word: string,
  s: Pick<Session, 'graph' | 'target' | 'env'>,
  ctx: PlatformContext,
  q: LogQuery,
): Promise<TargetName[]> {
  const { createTarget } = await import('../targets/index.ts');
  const { TARGET_NAMES } = await import('../targets/target.ts');
  const found: TargetName[] = [];
  for (const name of TARGET_NAMES) {
    if (name === s.target.name) continue;
    const other = await createTarget(name, s.env).catch(() => undefined);
    if (!other) continue;
    if (word in other.components) found.push(name);
    else {
      const units = await unitsOf(s, ctx, q, other).catch(() => [] as Unit[]);
      if (units.some((u) => u.sources.some((x) => x.name === word))) found.push(name);
    }
  }
  return found;
}

/**
 * The units and sources the words name (all of them for no words), in the target's order. An
 * unknown word is a usage error listing what the target has, and saying which target has it when
 * another one does.
 */
export async function resolveWords(
  command: string,
  words: readonly string[],
  s: Pick<Session, 'graph' | 'target' | 'env'>,
  ctx: PlatformContext,
  q: LogQuery,
): Promise<{ units: Unit[]; chosen: { unit: Unit; sources: LogSource[]; whole: boolean }[] }> {
  const units = await unitsOf(s, ctx, q);
  const picked = new Map<ComponentId, { sources: Set<string>; whole: boolean }>();
  for (const word of words) {
    const unit = units.find((u) => u.id === word);
    const owner = unit ?? units.find((u) => u.sources.some((x) => x.name === word));
    if (!owner) {
      const others = await elsewhere(word, s, ctx, q);
      throw new UsageError(
        `${command}: ${others.length ? `'${word}' is part of the ${others.join(' and ')} target${others.length > 1 ? 's' : ''}, not ${s.target.name}` : `unknown component '${word}'`}; the ${s.target.name} target has: ${known(units) || 'nothing'}`,
      );
    }
    const p = picked.get(owner.id) ?? { sources: new Set<string>(), whole: false };
    if (unit) p.whole = true;
    else p.sources.add(word);
    picked.set(owner.id, p);
  }
  const chosen = units
    .filter((u) => words.length === 0 || picked.has(u.id))
    .map((u) => {
      const p = picked.get(u.id);
      const whole = !p || p.whole;
      return { unit: u, whole, sources: whole ? u.sources : u.sources.filter((x) => p.sources.has(x.name)) };
    });
  return { units, chosen };
}
