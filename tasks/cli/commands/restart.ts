// `restart <component…>`: stop then start just those components, waiting as `up` does, and the
// running components whose graph nodes need them (they were started against the old ones; say
// which before doing it; --no-deps leaves them alone). A target that restarts in place (k3d:
// rollout restart, compose: docker compose restart) does it through the component's `restart`;
// otherwise (native) the component's `down` then its `up`. The state file records each restart;
// `status` shows the new pid and uptime.
import { defineCommand, type CliIO } from '../command.ts';
import { flag, targetOption } from '../options.ts';
import { commandContext, openSession, readState, type Session } from '../session.ts';
import { resolveWords, type Unit } from '../addressed.ts';
import { UsageError } from '../../engine/task.ts';
import { fmtMs } from '../../engine/scheduler.ts';
import { recordRestart, saveState } from '../../engine/state.ts';
import type { PlatformContext } from '../../context.ts';
import type { ComponentId } from '../../targets/target.ts';

/** Components of nodes that need (directly or not) a node of one of `ids`, in graph order. */
export function dependantsOf(s: Pick<Session, 'graph'>, ids: readonly ComponentId[]): ComponentId[] {
  const componentOf = (t: unknown) => (t as { component?: ComponentId }).component;
  const seen = new Set<string>();
  const walk = (taskId: string) => {
    for (const d of s.graph.dependents.get(taskId) ?? []) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      walk(d.id);
    }
  };
  for (const t of s.graph.order) if (ids.includes(componentOf(t)!)) walk(t.id);
  const out = s.graph.order.filter((t) => seen.has(t.id)).map(componentOf);
  return [...new Set(out)].filter((c): c is ComponentId => c !== undefined && !ids.includes(c));
}

const names = (u: Unit) => u.sources.map((x) => x.name).join(', ') || u.id;
const label = (u: Unit) => (names(u) === u.id ? u.id : `${u.id} (${names(u)})`);

/** pid per process name, from the status rows (a target without pids gives none). */
async function pids(
  s: Session,
  ctx: PlatformContext,
  ids: readonly ComponentId[],
): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const id of ids) {
    const c = s.target.components[id];
    for (const r of (await c?.rows?.(ctx).catch(() => [])) ?? [])
      if (r.pid !== undefined) m.set(r.name, r.pid);
  }
  return m;
}

export const restart = defineCommand({
  name: 'restart',
  summary: 'stop then start components (waiting as up does) and the running ones that need them',
  usage: 'restart <component…> [--no-deps] [--dry-run] [--target T] [--json]',
  positionals: true,
  options: {
    ...targetOption,
    'no-deps': {
      type: 'boolean',
      description: 'restart only the named components, not those that need them',
    },
    'dry-run': { type: 'boolean', description: 'say what would restart and the commands, do nothing' },
  },
  async run(args, io) {
    if (args.positionals.length === 0)
      throw new UsageError("restart: name at least one component; see 'tasks.ts restart --help'");
    const s = await openSession(io);
    const ctx = commandContext(s, 'restart', io);
    const { units, chosen } = await resolveWords('restart', args.positionals, s, ctx, {
      tail: 0,
      follow: false,
    });
    const dryRun = flag(args, 'dry-run');
    // A process nothing needs (natively the console) restarts alone: not its component, no followers.
    const alone = chosen.filter((c) => {
      const comp = s.target.components[c.unit.id];
      return !c.whole && comp?.restartProcess && c.sources.every((x) => comp.restartsAlone?.includes(x.name));
    });
    const rest = chosen.filter((c) => !alone.includes(c));
    if (alone.length) {
      const code = await restartAlone(s, ctx, io, alone, dryRun);
      if (code !== 0 || rest.length === 0) return code;
    }
    const asked = rest.map((c) => c.unit);
    for (const c of rest) {
      if (c.whole) continue;
      const others = c.unit.sources.filter((x) => !c.sources.includes(x));
      if (others.length)
        io.out(
          `restart: ${c.sources.map((x) => x.name).join(', ')} restarts with its component ${c.unit.id}, so ${others.map((x) => x.name).join(', ')} too`,
        );
    }
    let followers: Unit[] = [];
    if (!flag(args, 'no-deps')) {
      const deps = dependantsOf(
        s,
        asked.map((u) => u.id),
      );
      const candidates = units.filter((u) => deps.includes(u.id));
      // Only running ones follow: restart never starts what was not up (a dry run cannot ask).
      followers = dryRun
        ? candidates
        : (
            await Promise.all(
              candidates.map(async (u) =>
                (await s.target.components[u.id]!.status(ctx).catch(() => false)) ? u : undefined,
              ),
            )
          ).filter((u): u is Unit => u !== undefined);
    }
    io.out(`restart: ${asked.map(label).join(', ')}`);
    if (followers.length)
      io.out(
        `restart: then, because their nodes need ${asked.length > 1 ? 'them' : 'it'}${dryRun ? ' (those running)' : ''}: ${followers.map(label).join(', ')} (--no-deps: not these)`,
      );
    io.event({
      type: 'restart-plan',
      components: asked.map((u) => u.id),
      followers: followers.map((u) => u.id),
      dryRun,
    });
    // One dependency order for both: stopping runs it backwards, starting forwards.
    const all = units.filter((u) => asked.includes(u) || followers.includes(u));
    if (dryRun) {
      for (const u of all) {
        const c = s.target.components[u.id]!;
        const lines = c.restart
          ? await c.restart(ctx, { dryRun: true })
          : [`stop ${u.id} (${names(u)}) as down does, then start it as up does, waiting until it is ready`];
        for (const l of lines) io.out(`  [${u.id}] ${l}`);
        io.event({ type: 'restart-command', component: u.id, commands: lines });
      }
      return 0;
    }
    return run(s, ctx, io, asked, all);
  },
});

type Chosen = Awaited<ReturnType<typeof resolveWords>>['chosen'][number];

/** Restarts each named process alone through its component's restartProcess, recorded as `restart` does. */
async function restartAlone(
  s: Session,
  ctx: PlatformContext,
  io: CliIO,
  alone: Chosen[],
  dryRun: boolean,
): Promise<number> {
  let failed: string | undefined;
  let state = dryRun ? undefined : await readState(s, io);
  for (const c of alone) {
    const comp = s.target.components[c.unit.id]!;
    for (const src of c.sources) {
      io.out(`restart: ${src.name} alone (nothing needs it; the rest of ${c.unit.id} keeps running)`);
      io.event({
        type: 'restart-plan',
        components: [c.unit.id],
        processes: [src.name],
        followers: [],
        dryRun,
      });
      if (dryRun || !state) {
        const lines = await comp.restartProcess!(ctx, src.name, { dryRun: true });
        for (const l of lines) io.out(`  [${src.name}] ${l}`);
        io.event({ type: 'restart-command', component: c.unit.id, process: src.name, commands: lines });
        continue;
      }
      const b = (await pids(s, ctx, [c.unit.id])).get(src.name);
      const t = performance.now();
      const err = await comp.restartProcess!(ctx, src.name, { dryRun: false }).then(
        () => undefined,
        (e: unknown) => (io.signal.aborted ? 'interrupted' : (e as Error).message.split('\n')[0]),
      );
      const a = (await pids(s, ctx, [c.unit.id])).get(src.name);
      state = recordRestart(state, [src.name], {
        at: Date.now(),
        component: c.unit.id,
        why: 'asked',
        ok: !err,
      });
      io.event({
        type: 'restart',
        name: src.name,
        component: c.unit.id,
        ok: !err,
        why: 'asked',
        pidBefore: b ?? null,
        pidAfter: a ?? null,
      });
      if (err) failed ??= err;
      else
        io.out(
          `restart: ${src.name} restarted pid ${b ?? '-'} → ${a ?? '-'} in ${fmtMs(performance.now() - t)}`,
        );
    }
  }
  if (state) await saveState(s.stateFile, state);
  if (!failed) return 0;
  if (io.signal.aborted) return 130;
  io.err(`restart: ${failed}; see ${ctx.logFile} and 'tasks.ts status'`);
  return 1;
}

async function run(s: Session, ctx: PlatformContext, io: CliIO, asked: Unit[], all: Unit[]): Promise<number> {
  const before = await pids(
    s,
    ctx,
    all.map((u) => u.id),
  );
  const t0 = performance.now();
  let failed: string | undefined;
  const done: Unit[] = [];
  try {
    const inPlace = all.filter((u) => s.target.components[u.id]!.restart);
    for (const u of inPlace) await s.target.components[u.id]!.restart!(ctx, { dryRun: false });
    // Stop what needs the others first (reverse order), then start in dependency order.
    const cold = all.filter((u) => !inPlace.includes(u));
    for (const u of [...cold].reverse()) {
      await s.target.components[u.id]!.down?.(ctx);
      io.out(`restart: ${u.id} stopped`);
    }
    for (const u of cold) {
      const t = performance.now();
      await s.target.components[u.id]!.up(ctx);
      done.push(u);
      io.out(`restart: ${u.id} ready in ${fmtMs(performance.now() - t)}`);
    }
    done.push(...inPlace.filter((u) => !done.includes(u)));
  } catch (e) {
    failed = io.signal.aborted ? 'interrupted' : (e as Error).message.split('\n')[0];
  }
  const after = await pids(
    s,
    ctx,
    all.map((u) => u.id),
  );
  const at = Date.now();
  let state = await readState(s, io);
  for (const u of all) {
    const ok = done.includes(u);
    const why = asked.includes(u) ? 'asked' : `needs ${asked.map((a) => a.id).join(', ')}`;
    state = recordRestart(state, u.sources.length ? u.sources.map((x) => x.name) : [u.id], {
      at,
      component: u.id,
      why,
      ok,
    });
    for (const src of u.sources) {
      const b = before.get(src.name);
      const a = after.get(src.name);
      const pidText = b !== undefined || a !== undefined ? ` pid ${b ?? '-'} → ${a ?? '-'}` : '';
      if (ok) io.out(`restart: ${src.name} restarted${pidText}`);
      io.event({
        type: 'restart',
        name: src.name,
        component: u.id,
        ok,
        why,
        pidBefore: b ?? null,
        pidAfter: a ?? null,
      });
    }
  }
  await saveState(s.stateFile, state);
  if (failed) {
    if (io.signal.aborted) return 130;
    io.err(`restart: ${failed}; see ${ctx.logFile} and 'tasks.ts status'`);
    return 1;
  }
  io.out(`restart: done in ${fmtMs(performance.now() - t0)}`);
  return 0;
}
