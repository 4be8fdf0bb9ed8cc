// A subcommand of tasks.ts. Each lives in tasks/cli/commands/<name>.ts and is listed in
// tasks/cli/commands/index.ts; main.ts parses flags with node:util parseArgs from `options`,
// prints `--help` from `summary`/`usage`/`options`, and maps thrown UsageError to exit 2.
import type { ChosenTarget, TargetSettings } from './target-choice.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  default?: string | boolean;
  multiple?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
}

export interface CliIO {
  /** Human output (stdout). Silent when --json is set. */
  out: (line: string) => void;
  /** Diagnostics (stderr). */
  err: (line: string) => void;
  /** One JSON event per line on stdout when --json is set; otherwise a no-op. */
  event: (e: Record<string, unknown>) => void;
  json: boolean;
  /** Aborted on Ctrl-C (first press); a second press force-exits 130. */
  signal: AbortSignal;
  /**
   * The target this command works on, chosen once by main.ts (cli/target-choice.ts) from
   * --target, else the Docker probe; the first call chooses. Commands never choose themselves.
   */
  target: () => Promise<ChosenTarget>;
}

export interface CommandSpec {
  name: string;
  /** One line for the command table. */
  summary: string;
  /** Usage lines after `tasks.ts`, e.g. `up [ids…] [--target T]`. */
  usage: string;
  options?: Record<string, OptionSpec>;
  /** Allows positionals (ids, names). Default false: extra words are a usage error. */
  positionals?: boolean;
  /** What the target is built from when the command asks for it (default: the loaded settings). */
  targetFrom?: TargetSettings;
  /** Returns the exit code: 0 ok, 1 failed, 2 usage/config error, 130 interrupted. */
  run: (args: ParsedArgs, io: CliIO) => Promise<number>;
}

export const defineCommand = (spec: CommandSpec): CommandSpec => spec;
