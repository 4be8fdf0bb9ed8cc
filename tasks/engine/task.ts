// The engine's vocabulary: a typed node with status/run/verify steps, and the checks it returns.
// Generic over the context type so the engine knows nothing of Kafka, k3d or any target.

export type CheckStatus = 'pass' | 'fail' | 'skip';

/**
 * How a check's result was obtained, strongest first:
 * - `live`: measured on running software of the active target;
 * - `substitute`: measured live, but on a stand-in for the seed's component (Apache Kafka for
 *   Redpanda, the TypeScript SDK for the Python one); `substitute` names both;
 * - `rendered`: a real upstream tool ran on the real artifact (helm template + kubeconform,
 *   promtool, the Compose or k3d loader, actionlint, make -n);
 * - `static`: file contents, a schema, a text match.
 */
export type Proof = 'live' | 'substitute' | 'rendered' | 'static';
export const PROOF_STRENGTH: readonly Proof[] = ['live', 'substitute', 'rendered', 'static'];

/** The seed's component and what stood in for it on this target. */
export interface Substitute {
  /** The seed's component, e.g. `Redpanda`. */
  for: string;
  /** What ran instead, e.g. `Apache Kafka 4.1 (KRaft)`. */
  by: string;
}

/** One measured fact. Every line of the validation report is one of these. */
export interface Check {
  /** Stable id, e.g. `0-3.round-trip`. */
  id: string;
  /** Seed task id the check belongs to, e.g. `0-3`. */
  task: string;
  /** Seed acceptance criteria this check proves (ids from validation/report/criteria.ts), e.g. `0-3.ac4`. */
  criteria?: string[];
  /** Seed performance requirement, e.g. `REQ-0.2`. */
  requirement?: string;
  title: string;
  status: CheckStatus;
  /** How the result was obtained (see Proof). Required: a reader must know what a pass means. */
  proof: Proof;
  /** With proof `substitute`: the seed's component and its stand-in. */
  substitute?: Substitute;
  /**
   * On a skip: the seed's component is absent here but this named stand-in does its job, so the
   * part counts as proven when the row has a passing `substitute` check (else it stays unproven).
   */
  standIn?: string;
  measured?: number | string;
  /** Human-readable bound, e.g. `>= 10000` or `< 50`. */
  threshold?: string;
  unit?: string;
  /** What was observed, short: a command, a URL, a count. Never a secret. */
  evidence?: string;
  /** Why it failed or was skipped. Required for skip. */
  reason?: string;
  /** Milliseconds the check took. */
  durationMs?: number;
  /** An SVG the check produced (absolute path), e.g. a latency percentile plot; the report embeds a copy. */
  figure?: { title: string; svgFile: string };
}

/** Where a node does not apply on the active target (k3d cluster on native), it says why. */
export type Applicability = true | { notApplicable: string };

/** What every context handed to a node carries; the platform layer extends it. */
export interface BaseContext {
  /** Aborted on Ctrl-C, timeout or fail-fast. Pass it to every child process and wait. */
  signal: AbortSignal;
  /** Appends a line to this node's log file (`.platform/logs/<id>.log`). */
  log: (line: string) => void;
  /** Path of this node's log file, for child-process output. */
  logFile: string;
  /**
   * A progress line for the person waiting on a long step (a build running for minutes): logged,
   * and shown by the command's progress output. Optional: a caller without one uses `log`.
   */
  note?: (line: string) => void;
}

export interface TaskSpec<
  Ctx extends BaseContext,
  Needs extends readonly Task<Ctx>[] = readonly Task<Ctx>[],
> {
  /** Seed id, `0-1` … `0-13`. */
  id: string;
  /** Short kebab-case name, e.g. `event-bus`. */
  name: string;
  title: string;
  /** References to other nodes: a typo fails to compile. */
  needs?: Needs;
  /** Does this node apply to the active target? Default: yes. */
  applies?: (ctx: Ctx) => Applicability;
  /** Is it already done? Lets a second `up` be a fast no-op. Default: not done. */
  status?: (ctx: Ctx) => Promise<boolean>;
  /** Make it so. A node without run has nothing to do on `up` beyond status. */
  run?: (ctx: Ctx) => Promise<void>;
  /** Prove it with measured checks. */
  verify?: (ctx: Ctx) => Promise<Check[]>;
  /** Per-attempt timeout of run, in ms. */
  timeoutMs?: number;
  /** Extra attempts of run after a failure, with exponential backoff. */
  retries?: number;
  /** First retry delay in ms (doubles per attempt); default: the run's backoff (1 s). */
  backoffMs?: number;
}

export interface Task<Ctx extends BaseContext = BaseContext> extends Readonly<TaskSpec<Ctx>> {
  readonly needs: readonly Task<Ctx>[];
}

/** Declares a node. Kept as a function so later defaults/validation have one home. */
export function defineTask<Ctx extends BaseContext>(spec: TaskSpec<Ctx>): Task<Ctx> {
  return Object.freeze({ ...spec, needs: spec.needs ?? [] });
}

/** Builds a check, filling `task` from the id prefix (`0-3.x` → `0-3`). */
export function check(c: Omit<Check, 'task'> & { task?: string }): Check {
  const task = c.task ?? c.id.split('.')[0] ?? c.id;
  if (c.status === 'skip' && !c.reason) throw new Error(`check ${c.id}: a skip needs a reason`);
  if (!PROOF_STRENGTH.includes(c.proof)) throw new Error(`check ${c.id}: unknown proof ${String(c.proof)}`);
  if (c.standIn !== undefined && c.status !== 'skip')
    throw new Error(`check ${c.id}: only a skip names a stand-in`);
  if ((c.proof === 'substitute') !== (c.substitute !== undefined))
    throw new Error(
      `check ${c.id}: proof 'substitute' names the seed's component and its stand-in (and only it does)`,
    );
  return { ...c, task };
}

/** Error raised by a node to signal "not built yet" honestly (fails the node, never passes it). */
export class NotImplementedError extends Error {
  constructor(what: string, issue?: string) {
    super(`not implemented yet: ${what}${issue ? ` (tracked in ${issue})` : ''}`);
    this.name = 'NotImplementedError';
  }
}

/** A usage or configuration error: the CLI prints its message on one line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
