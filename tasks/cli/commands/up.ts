// `up [ids…]`: bring the platform up: the selected nodes and what they need, status first.
import { defineCommand } from '../command.ts';
import { positiveInt, runOptions, targetOption } from '../options.ts';
import { exitCodeOf, loadGraph, openSession, runSelection, select } from '../session.ts';

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
    const graph = await loadGraph();
    const selection = select(graph, args.positionals);
    positiveInt(args, 'concurrency');
    positiveInt(args, 'deadline');
    const session = await openSession(io, graph);
    return exitCodeOf(await runSelection(session, 'up', selection, args, io));
  },
});
