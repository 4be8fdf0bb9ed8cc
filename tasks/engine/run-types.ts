// What a run is asked to do (RunOptions) and what it tells its watcher (EngineEvent): shared by
// the scheduler, the node runner and the progress renderers, so none of them imports another.
import type { Redact } from './redaction.ts';
import type { NodeRecord, NodeState, RunRecord } from './state.ts';
import type { BaseContext, Task } from './task.ts';

export type EngineEvent =
  | {
      type: 'run-start';
      command: RunCommand;
      at: number;
      concurrency: number;
      nodes: { id: string; name: string; title: string; needs: string[] }[];
    }
  | {
      type: 'node-start';
      id: string;
      name: string;
      title: string;
      at: number;
      attempt: number;
      step: 'status' | 'run' | 'verify';
    }
  | { type: 'node-retry'; id: string; at: number; attempt: number; delayMs: number; error: string }
  /** A progress line from a running node (ctx.note): what it builds or downloads, and for how long. */
  | { type: 'node-note'; id: string; name: string; at: number; line: string }
  | ({ type: 'node-end'; title: string; at: number; durationMs: number; logTail?: string } & NodeRecord)
  | {
      type: 'run-end';
      command: RunCommand;
      at: number;
      durationMs: number;
      interrupted: boolean;
      counts: Record<NodeState, number>;
    };

export type RunCommand = 'up' | 'verify';

export interface RunOptions<Ctx extends BaseContext> {
  command: RunCommand;
  /** Builds the node's context from the engine's base (signal, log, logFile). */
  makeContext: (task: Task<Ctx>, base: BaseContext) => Ctx;
  /** `<logDir>/<id>.log` receives each node's log lines and child-process output. */
  logDir: string;
  concurrency?: number;
  /** After the first failure start nothing new; running nodes finish. */
  failFast?: boolean;
  /** `up`: run even when status says done. */
  force?: boolean;
  /** Aborting it (Ctrl-C) aborts every running node and starts nothing new. */
  signal?: AbortSignal;
  /** Overall deadline for the run in ms: no retry starts after it, running nodes are aborted at it. */
  deadlineMs?: number;
  /** How long an aborted or timed-out step may take to settle before the engine moves on. */
  abortGraceMs?: number;
  /** First retry delay; doubles per attempt (TaskSpec.backoffMs overrides per node). */
  backoffMs?: number;
  target?: string;
  /** The title events carry for a node (default `task.title`); the CLI names what the target runs. */
  titleOf?: (task: Task<Ctx>) => string;
  onEvent?: (e: EngineEvent) => void;
  /** Applied to every log line, reason and log tail the engine writes or reports. */
  redact?: Redact;
}

export interface RunResult extends RunRecord {
  ok: boolean;
}
