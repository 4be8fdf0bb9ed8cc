// Every subcommand of tasks.ts. Add one line per command module.
import type { CommandSpec } from '../command.ts';

export const commands: CommandSpec[] = [];
