// The CLI: finds the subcommand, parses its flags with node:util parseArgs against its spec,
// prints help from the specs, turns Ctrl-C into an AbortSignal, and maps outcomes to exit codes
// (0 ok, 1 a task or check failed, 2 usage or configuration error, 130 interrupted).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIO, CommandSpec, OptionSpec, ParsedArgs } from './command.ts';
import { commands } from './commands/index.ts';
import { handleInterrupts } from './interrupt.ts';
import { GLOBAL_OPTIONS } from './options.ts';
import { setRuntime, type Runtime } from './runtime.ts';
import { targetChooser } from './target-choice.ts';
import { redact, redactDeep } from '../config/redact.ts';
import { UsageError } from '../engine/task.ts';

const PROG = 'tasks.ts';

export interface MainOptions {
  /** Replace the task list, target choice or settings loader (tests and fixtures). */
  runtime?: Partial<Runtime>;
  /** Output sinks; default process.stdout / process.stderr. */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Install SIGINT/SIGTERM handlers (default true; in-process tests pass false and abort themselves). */
  signals?: boolean;
  signal?: AbortSignal;
}

export async function main(argv: string[], opts: MainOptions = {}): Promise<number> {
  setRuntime(opts.runtime);
  const write = opts.stdout ?? ((t: string) => void process.stdout.write(t));
  const writeErr = opts.stderr ?? ((t: string) => void process.stderr.write(t));
  const err = (line: string) => writeErr(redact(line) + '\n');

  const controller = new AbortController();
  opts.signal?.addEventListener('abort', () => controller.abort(opts.signal?.reason), { once: true });
  const interrupts = handleInterrupts(PROG, controller, err, opts.signals !== false);

  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const about = name === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
      const text = (about ? commandHelp(about) : globalHelp()) + '\n';
      // No command at all is a usage error: the help goes to stderr so stdout stays clean.
      if (name === undefined) writeErr(text);
      else write(text);
      return name === undefined ? 2 : 0;
    }
    const spec = findCommand(name);
    const args = parse(spec, rest);
    if (args.values.help === true) {
      write(commandHelp(spec) + '\n');
      return 0;
    }
    const json = args.values.json === true;
    const io: CliIO = {
      json,
      signal: controller.signal,
      out: (line) => {
        if (!json) write(redact(line) + '\n');
      },
      err,
      event: (e) => {
        if (json) write(JSON.stringify(redactDeep(e)) + '\n');
      },
      target: targetChooser(args, spec.targetFrom),
    };
    const code = await spec.run(args, io);
    return controller.signal.aborted ? 130 : code;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${PROG}: ${oneLine(e)}`);
      return 2;
    }
    if (controller.signal.aborted) return 130;
    err(`${PROG} ${name}: ${oneLine(e)}`);
    if (process.env.DEBUG) err(e instanceof Error ? (e.stack ?? '') : String(e));
    return 1;
  } finally {
    interrupts.settle();
  }
}

const oneLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

function findCommand(name: string): CommandSpec {
  const spec = commands.find((c) => c.name === name);
  if (spec) return spec;
  const near = commands.filter((c) => c.name.startsWith(name.slice(0, 2))).map((c) => c.name);
  throw new UsageError(
    `unknown command '${name}'${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}; run '${PROG} --help' for the list`,
  );
}

function parse(spec: CommandSpec, argv: string[]): ParsedArgs {
  const options = { ...GLOBAL_OPTIONS, ...spec.options };
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: Object.fromEntries(
        // parseArgs rejects keys set to undefined: copy only what the spec sets.
        Object.entries(options).map(([k, { type, short, multiple, default: d }]) => [
          k,
          {
            type,
            ...(short ? { short } : {}),
            ...(multiple ? { multiple } : {}),
            ...(d !== undefined ? { default: d } : {}),
          },
        ]),
      ) as ParseArgsConfig['options'],
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0 && !spec.positionals) {
      throw new UsageError(
        `${spec.name}: unexpected argument '${positionals[0]}'; see '${PROG} ${spec.name} --help'`,
      );
    }
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as { code?: string }).code;
    const opt = /'(-[^' ]*)/.exec((e as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`${spec.name}: unknown option '${opt ?? '?'}'; see '${PROG} ${spec.name} --help'`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new UsageError(
        `${spec.name}: option '${opt ?? '?'}' ${/argument missing/.test((e as Error).message) ? 'needs a value' : 'takes no value'}; see '${PROG} ${spec.name} --help'`,
      );
    }
    throw new UsageError(`${spec.name}: ${oneLine(e)}`);
  }
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([k, o]) => {
    const flagText = `${o.short ? `-${o.short}, ` : ''}--${k}${o.type === 'string' ? ' <value>' : ''}`;
    return `  ${flagText.padEnd(26)} ${o.description}${o.default !== undefined ? ` (default ${String(o.default)})` : ''}`;
  });
}

export function commandHelp(spec: CommandSpec): string {
  return [
    `${PROG} ${spec.name}: ${spec.summary}`,
    '',
    `usage: npx tsx ${PROG} ${spec.usage}`,
    '',
    'options:',
    ...optionLines({ ...spec.options }),
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'exit codes: 0 ok, 1 a task or check failed, 2 usage or configuration error, 130 interrupted',
  ].join('\n');
}

export function globalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    `${PROG}: the Phase-0 platform as a typed task graph (seed tasks 0-1 … 0-13)`,
    '',
    `usage: npx tsx ${PROG} <command> [options]    (${PROG} <command> --help for its options)`,
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'exit codes: 0 ok, 1 a task or check failed, 2 usage or configuration error, 130 interrupted',
  ].join('\n');
}
