// `verify [ids…] [--report]`: run only the verify steps and collect their checks; --report
// turns them into docs/phase-0-validation-report.md and validation/report.json.
import { defineCommand } from '../command.ts';
import path from 'node:path';
import { flag, runOptions, str, targetOption } from '../options.ts';
import { exactly, exitCodeOf, readState, runFromArgs } from '../session.ts';

export const verify = defineCommand({
  name: 'verify',
  summary: 'run the verify steps only: measured checks per node (--report writes the validation report)',
  usage: 'verify [ids…] [--report [--report-dir DIR]] [--target T] [--concurrency N] [--json]',
  positionals: true,
  options: {
    ...targetOption,
    ...runOptions,
    concurrency: {
      type: 'string',
      description: 'verify steps run at once (default 1: concurrent steps would skew the measured figures)',
    },
    report: {
      type: 'boolean',
      description: 'write docs/phase-0-validation-report.md, validation/report.json and the timeline SVG',
    },
    'report-dir': {
      type: 'string',
      description: 'write the report under this directory instead of the repository root',
    },
  },
  async run(args, io) {
    const { graph, session, result } = await runFromArgs('verify', exactly, args, io);
    const checks = result.nodes.flatMap((n) => n.checks ?? []);
    const counts = ['pass', 'fail', 'skip']
      .map((s) => `${checks.filter((c) => c.status === s).length} ${s}`)
      .join(', ');
    io.out(`checks: ${checks.length} (${counts})`);
    if (flag(args, 'report') && !result.interrupted) {
      const state = await readState(session, io);
      const { writeReport } = await import('../../../validation/report/report.ts');
      const written = await writeReport({
        root: path.resolve(str(args, 'report-dir') ?? session.paths.root),
        verify: result,
        up: state.lastRun.up,
        graph,
        target: { name: session.target.name, why: session.why, describe: session.target.describe },
      });
      io.out(`report: ${written.markdown} (${written.summary})`);
      io.out(`        ${written.json}, ${written.svg}`);
      io.event({ type: 'report', ...written });
    }
    return exitCodeOf(result);
  },
});
