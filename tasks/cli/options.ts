// Option specs shared by several commands, and the parsing of their values.
import { defineCommand, type CommandSpec, type OptionSpec, type ParsedArgs } from './command.ts';
import { UsageError } from '../engine/task.ts';
import { DEFAULT_CONCURRENCY } from '../engine/scheduler.ts';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
  json: { type: 'boolean', description: 'one JSON event per line on stdout, for machines' },
};

export const targetOption: Record<string, OptionSpec> = {
  target: {
    type: 'string',
    description:
      'k3d | compose | native | auto (default auto: k3d when a Docker engine answers, else native)',
  },
};

/**
 * A command whose one option is --target: its usage line and option table follow from its name.
 * `targetHelp` words the option for the commands that prepare or inspect a target's tools rather
 * than run it (their usage names the three targets).
 */
export function targetCommand(
  spec: Omit<CommandSpec, 'usage' | 'options'> & { targetHelp?: string },
): CommandSpec {
  const { targetHelp, ...rest } = spec;
  return defineCommand({
    ...rest,
    ...(targetHelp
      ? {
          usage: `${spec.name} [--target k3d|compose|native]`,
          options: { target: { type: 'string', description: targetHelp } },
        }
      : {
          usage: `${spec.name}${spec.positionals ? ' [ids…]' : ''} [--target T] [--json]`,
          options: { ...targetOption },
        }),
  });
}

export const runOptions: Record<string, OptionSpec> = {
  concurrency: {
    type: 'string',
    description: `nodes run at once (default ${DEFAULT_CONCURRENCY}; the work is I/O-bound)`,
  },
  'fail-fast': { type: 'boolean', description: 'start nothing new after the first failure' },
  deadline: {
    type: 'string',
    description: 'overall deadline in seconds: no retry starts after it, running nodes are stopped at it',
  },
};

/** A positive whole number or a usage error naming the flag. */
export function positiveInt(args: ParsedArgs, name: string, fallback?: number): number | undefined {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${name} must be a whole number >= 1, got '${String(raw)}'`);
  }
  return n;
}

export const flag = (args: ParsedArgs, name: string): boolean => args.values[name] === true;
export const str = (args: ParsedArgs, name: string): string | undefined =>
  typeof args.values[name] === 'string' ? (args.values[name] as string) : undefined;
