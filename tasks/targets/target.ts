// A target provides the platform: k3d, compose or native. Shared verify checks only ever see
// endpoints, so the same check runs on every target; what a target cannot provide is an
// `unavailable` endpoint whose reason becomes the check's skip reason. What only the target
// knows (start times it recorded) comes from a component's `facts()`, and checks only one
// target can give come from its `checks()`: nodes and shared checks never import a target's
// internals nor branch on its name (eslint.config.js enforces the imports).
import type { Paths } from '../context.ts';
import type { BaseContext, Check, Substitute } from '../engine/task.ts';

export type TargetName = 'k3d' | 'compose' | 'native';
export const TARGET_NAMES: readonly TargetName[] = ['k3d', 'compose', 'native'];

/**
 * An address, or why the target cannot provide it. `substitute` says when what answers there is
 * a stand-in for the seed's component (native: Apache Kafka for Redpanda), so checks that measure
 * the component itself report their proof as `substitute` (validation/lib/checks.ts proofVia).
 */
export type Endpoint =
  | { url: string; substitute?: Substitute }
  /** `standIn`: the seed's component is not here, but this stand-in does its job (its checks say so). */
  | { unavailable: string; standIn?: string };

export const unavailable = (reason: string, standIn?: string): Endpoint =>
  standIn ? { unavailable: reason, standIn } : { unavailable: reason };
export const isAvailable = (e: Endpoint): e is { url: string; substitute?: Substitute } => 'url' in e;

export interface Endpoints {
  /** Kafka bootstrap, `host:port` (no scheme). */
  kafka: Endpoint;
  /** Prometheus base URL, `http://127.0.0.1:9090`. */
  prometheus: Endpoint;
  /** Alertmanager base URL (`/api/v2/alerts`), where Prometheus sends the alerts that fire. */
  alertmanager: Endpoint;
  /** OTLP gRPC endpoint for exporters, `http://127.0.0.1:4317`. */
  otlpGrpc: Endpoint;
  /** Trace lookup by id (`/api/traces/<id>`): Tempo on k3d/compose, Jaeger natively. */
  traceQuery: Endpoint;
  /** LogsQL query API (`/select/logsql/query`): VictoriaLogs, where it stores the logs (native). */
  logsql: Endpoint;
  grafana: Endpoint;
  /** The platform console (tasks/console): natively it serves the dashboards in Grafana's place. */
  console: Endpoint;
  loki: Endpoint;
  tempo: Endpoint;
  /** Demo service base URL (seed task 0-13). */
  demo: Endpoint;
}

/** Pieces of the platform a target may provide; a phase-0 node maps onto one of them. */
export type ComponentId =
  | 'cluster' // 0-2 k3d cluster + namespaces
  | 'event-bus' // 0-3 Kafka API broker
  | 'metrics' // 0-4 Prometheus (+ Grafana where the target has it)
  | 'logs' // 0-5 log collection/storage
  | 'traces' // 0-6 trace receiver/storage
  | 'compose-stack' // 0-7 the Compose stack as a whole
  | 'demo'; // 0-13 demo service

/** A row of `status`, process-compose style. */
export interface ProcessRow {
  name: string;
  state: 'running' | 'stopped' | 'unhealthy' | 'n/a';
  pid?: number;
  port?: number;
  uptimeMs?: number;
  rssBytes?: number;
  dataBytes?: number;
  detail?: string;
}

/** What an install did, for dev-setup's step line and its record. */
export interface InstallResult {
  changed: boolean;
  detail: string;
}

export interface Component<Ctx extends BaseContext = BaseContext> {
  /**
   * What this component runs on its target, for titles and plans: `Apache Kafka (KRaft) on the
   * JVM`, `Tempo by Helm`. A node's title names it, so the seed's name for a component never
   * stands in for a substitute.
   */
  describe?: string;
  /**
   * The names `status` shows for it when they are fixed (natively: its supervised processes), so
   * `logs` and `restart` need not ask `rows`, which probes each process. A unit test keeps them
   * equal to the rows' names; absent, the rows are asked.
   */
  processes?: readonly string[];
  /**
   * Fetch what it needs (jars, packages, charts); idempotent and quick when already done. Called
   * by 0-1's setup, which records whether the step changed anything (a build, a download): an
   * install that knows says so, one that returns nothing is recorded as unchanged. `checkTools`:
   * also what only checks and tests use (dev-setup sets it; `up` does not).
   */
  install?(ctx: Ctx, opts?: { checkTools?: boolean }): Promise<InstallResult | void>;
  /** Already up and healthy? Must be cheap: it runs on every `up`. */
  status(ctx: Ctx): Promise<boolean>;
  /** Bring it up and wait until it is ready at the protocol level (never a bare sleep). */
  up(ctx: Ctx): Promise<void>;
  /** Stop it; data survives. */
  down?(ctx: Ctx): Promise<void>;
  /** Rows for `status`. */
  rows?(ctx: Ctx): Promise<ProcessRow[]>;
  /**
   * Which processes provide it right now, as one string that changes whenever any of them is
   * replaced (natively: pid and start time from the pid file); undefined when none runs. Lets a
   * node trust a past proof only while the same processes are still the ones running.
   */
  identity?(ctx: Ctx): Promise<string | undefined>;
  /** For `plan`: the commands `up` would run, one per line, without running anything. */
  plan?(ctx: Ctx): Promise<string[]>;
  /** Facts only the target knows (absent: the target records none, e.g. no start times). */
  facts?(ctx: Ctx): Promise<ComponentFacts>;
  /** Checks only this target can give (the k3d cluster's nodes, native log files); the node's verify runs them. */
  checks?(ctx: Ctx): Promise<Check[]>;
  /**
   * Where `logs` reads this component's output: one source per process, pod or service, named as
   * `status` shows it. Nothing is read or run here: the `logs` command does that.
   */
  logs?(ctx: Ctx, q: LogQuery): Promise<LogSource[]>;
  /**
   * `restart` on targets that restart in place (k3d: rollout restart, compose: docker compose
   * restart), waiting as `up` does; returns the commands it ran, or with `dryRun` would run.
   * Absent: `restart` stops the component with `down` and brings it back with `up`.
   */
  restart?(ctx: Ctx, opts: { dryRun: boolean }): Promise<string[]>;
  /**
   * Its processes that nothing needs, inside the component or outside it (natively the console,
   * which only reads the others): `restart <name>` restarts such a process alone, with no
   * followers, through `restartProcess` (stop and start just it, waiting as `up` does; returns the
   * commands it ran, or with `dryRun` would run).
   */
  restartsAlone?: readonly string[];
  restartProcess?(ctx: Ctx, name: string, opts: { dryRun: boolean }): Promise<string[]>;
}

/** What `logs` asks a component for: the last `tail` lines (per source), since when, and follow. */
export interface LogQuery {
  /** Undefined: every line (a --grep must see them all before the last N are kept). */
  tail?: number;
  /** Epoch ms; lines before it are left out. */
  sinceMs?: number;
  follow: boolean;
}

/**
 * One stream of log lines: a file its process appends to (native), or a command that prints the
 * lines with a leading RFC 3339 timestamp (`kubectl logs --timestamps`, `docker compose logs
 * --timestamps --no-log-prefix`), already limited to the query's tail/since/follow.
 */
export type LogSource =
  { name: string; file: string } | { name: string; command: readonly [string, ...string[]] };

/** The demo service's name on every target: its process, Prometheus job, log `service` and Deployment. */
export const DEMO_SERVICE = 'demo-service';
/** The topic the demo service produces to and consumes from by default (DEMO_EVENTS_TOPIC overrides). */
export const DEMO_TOPIC = 'demo.events';

/** What a component measured about itself, for checks; a field is absent when it has no figure. */
export interface ComponentFacts {
  /** The last cold start `up` recorded: when, and each process's time from spawn to ready (ms). */
  startup?: { at: string; readyMs: Record<string, number> };
  /** The file its process writes JSON log lines to, where the target keeps logs in files (native). */
  logFile?: string;
  /** How the target runs it, for reasons: 'as a supervised process', 'as a container'. */
  runsAs?: string;
}

/** What a target measures about the platform as a whole, for checks. */
export interface TargetFacts {
  /** Resident memory of every process the target supervises itself (each with its children). */
  processMemory?: { name: string; bytes: number }[];
  /** The seed's bound on `up` (REQ-0.1: < 2 min) where it applies to this target; absent: reported, not judged. */
  startBoundS?: number;
}

/** A command-line tool a target needs, for `doctor` and prerequisite errors. */
export interface ToolRequirement {
  name: string;
  /** Minimum version, informational (`17` for java). */
  min?: string;
  /** Command printing the version. */
  versionCmd: [string, ...string[]];
  /** How to get it when missing: one line. */
  install: string;
  /**
   * Set when a missing tool is no fault: what builds it when it is first needed (gitleaks after a
   * bare `up`: the first commit or verify). Its row then says `on first use`, not `missing`.
   */
  firstUse?: string;
}

export interface Target<Ctx extends BaseContext = BaseContext> {
  name: TargetName;
  /** One line for humans: what provides the platform. */
  describe: string;
  endpoints(): Endpoints;
  components: Partial<Record<ComponentId, Component<Ctx>>>;
  tools: ToolRequirement[];
  /** Facts about the whole platform (absent: the target measures none of them). */
  facts?(ctx: Ctx): Promise<TargetFacts>;
  /**
   * The pid of each running process the target supervises itself, by the name `status` shows
   * (natively: the pid files), for benchmarks that read their CPU time; absent where processes
   * run in containers.
   */
  pids?(paths: Paths): Promise<Record<string, number>>;
}
