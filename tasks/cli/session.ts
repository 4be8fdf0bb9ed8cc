// Everything a command needs before it can run nodes: the validated graph, the active target
// (and why it was chosen), paths, settings, the state file, and a context per node.
import fs from 'node:fs';
import path from 'node:path';
import type { CliIO, ParsedArgs } from './command.ts';
import { flag, positiveInt } from './options.ts';
import { runtime } from './runtime.ts';
import type { Paths, PlatformContext } from '../context.ts';
import { buildGraph, closure, resolveId, type Graph } from '../engine/graph.ts';
import type { Progress } from '../engine/progress.ts';
import { runGraph, type EngineEvent, type RunCommand, type RunResult } from '../engine/scheduler.ts';
import { loadState, recordRun, saveState, stateFile, type PlatformState } from '../engine/state.ts';
import type { BaseContext, Task } from '../engine/task.ts';
import { resolvePaths } from '../paths.ts';
import type { ComponentId, Target } from '../targets/target.ts';
import { redact } from '../config/redact.ts';
import { titleOn } from '../phase0/define.ts';

export type PhaseGraph = Graph<PlatformContext>;

/** The validated graph (a cycle, duplicate id or unknown need is a usage error: exit 2). */
export async function loadGraph(): Promise<PhaseGraph> {
  return buildGraph(await runtime().tasks());
}

/** `ids` and everything they need; unknown ids are a usage error. */
export const select = (graph: PhaseGraph, ids: readonly string[]) => closure(graph, ids);

/** Exactly the named nodes (verify proves what it is asked about, not its needs). */
export const exactly = (graph: PhaseGraph, ids: readonly string[]) =>
  ids.length === 0 ? [...graph.order] : [...new Set(ids.map((id) => resolveId(graph, id)))];

export interface Session {
  graph: PhaseGraph;
  target: Target<PlatformContext>;
  why: string;
  paths: Paths;
  env: Readonly<Record<string, string>>;
  stateFile: string;
  /** A node's context: the engine's base plus target, paths, settings. */
  context: (base: BaseContext) => PlatformContext;
}

export async function openSession(io: CliIO, graph?: PhaseGraph): Promise<Session> {
  const paths = resolvePaths();
  // Independent: the target's Docker probe waits on a child process while the graph's modules load.
  const [g, { target, why, env }] = await Promise.all([graph ?? loadGraph(), io.target()]);
  io.out(`target: ${target.name} (${why})`);
  io.event({ type: 'target', name: target.name, why });
  return {
    graph: g,
    target,
    why,
    paths,
    env,
    stateFile: stateFile(paths.platform),
    context: (base) => ({ ...base, target, paths, env }),
  };
}

/** A context for component calls outside a node (status, plan, down): logs to `<logs>/<command>.log`. */
export function commandContext(s: Session, command: string, io: CliIO): PlatformContext {
  fs.mkdirSync(s.paths.logs, { recursive: true });
  const logFile = path.join(s.paths.logs, `${command}.log`);
  return s.context({ signal: io.signal, logFile, log: (l) => fs.appendFileSync(logFile, redact(l) + '\n') });
}

/**
 * The target's components in the graph's dependency order, from the `component` each node names
 * (cluster first, demo last); components no node names follow in the target's own order.
 */
export function componentOrder(graph: PhaseGraph, target: Target<PlatformContext>): ComponentId[] {
  const named = graph.order.flatMap((t) => {
    const id = (t as { component?: ComponentId }).component;
    return id ? [id] : [];
  });
  const rest = (Object.keys(target.components) as ComponentId[]).filter((id) => !named.includes(id));
  return [...new Set([...named, ...rest])];
}

export async function readState(s: { stateFile: string }, io: CliIO): Promise<PlatformState> {
  return loadState(s.stateFile, (w) => io.err(w));
}

async function progressFor(io: CliIO): Promise<Progress> {
  if (io.json)
    return {
      onEvent: (e: EngineEvent) => io.event(e as unknown as Record<string, unknown>),
      done: async () => {},
    };
  const { chooseMode, createProgress } = await import('../engine/progress.ts');
  return createProgress(chooseMode({ isTTY: process.stdout.isTTY, env: process.env }), {
    out: io.out,
    err: io.err,
    redact,
  });
}

/** Runs `up` or `verify` over a selection, shows progress, and always writes the state (even on Ctrl-C). */
export async function runSelection(
  s: Session,
  command: RunCommand,
  selection: readonly Task<PlatformContext>[],
  args: ParsedArgs,
  io: CliIO,
): Promise<RunResult> {
  // verify measures speed (throughput, latency, start times): on a small machine concurrent
  // verify steps would skew each other's figures, so they run one at a time unless asked.
  const concurrency = positiveInt(args, 'concurrency', command === 'verify' ? 1 : undefined);
  const deadlineS = positiveInt(args, 'deadline');
  const progress = await progressFor(io);
  fs.mkdirSync(s.paths.logs, { recursive: true });
  const state = await readState(s, io);
  let result: RunResult;
  try {
    result = await runGraph(s.graph, selection, {
      redact,
      command,
      makeContext: (_t, base) => s.context(base),
      logDir: s.paths.logs,
      concurrency,
      failFast: flag(args, 'fail-fast'),
      force: flag(args, 'force'),
      deadlineMs: deadlineS === undefined ? undefined : deadlineS * 1_000,
      signal: io.signal,
      target: s.target.name,
      titleOf: (t) => titleOn(t, s.target),
      onEvent: progress.onEvent,
    });
  } finally {
    await progress.done();
  }
  await saveState(s.stateFile, recordRun(state, result));
  return result;
}

export const exitCodeOf = (r: RunResult) => (r.interrupted ? 130 : r.ok ? 0 : 1);

/**
 * `up` and `verify` from their words: the graph, the nodes the ids pick, the numeric flags checked
 * before the session opens (a typo is a usage error, not a half-started run), then the run.
 */
export async function runFromArgs(
  command: RunCommand,
  pick: (graph: PhaseGraph, ids: readonly string[]) => readonly Task<PlatformContext>[],
  args: ParsedArgs,
  io: CliIO,
): Promise<{ graph: PhaseGraph; session: Session; result: RunResult }> {
  const graph = await loadGraph();
  const selection = pick(graph, args.positionals);
  positiveInt(args, 'concurrency');
  positiveInt(args, 'deadline');
  const session = await openSession(io, graph);
  return { graph, session, result: await runSelection(session, command, selection, args, io) };
}
