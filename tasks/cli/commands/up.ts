// `up [ids…]`: bring the platform up: the selected nodes and what they need, status first.
import { defineCommand } from '../command.ts';
import { runOptions, targetOption } from '../options.ts';
import { exitCodeOf, runFromArgs, select } from '../session.ts';

export const up = defineCommand({
  name: 'up',
  summary: 'bring the platform up: each node asks status first and runs only when not done',
  usage: 'up [ids…] [--target T] [--concurrency N] [--fail-fast] [--force] [--deadline S] [--json]',
  positionals: true,
  options: {
    ...targetOption,
    ...runOptions,
    force: { type: 'boolean', description: 'run nodes even when their status says they are done' },
  },
  async run(args, io) {
    return exitCodeOf((await runFromArgs('up', select, args, io)).result);
  },
});
