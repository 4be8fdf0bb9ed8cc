// `tasks.ts doctor`: the tools the chosen target needs, with required and found versions, and how
// to get what is missing. Exit 1 when a required tool is missing or too old.
import { targetCommand } from '../options.ts';

export const doctorCommand = targetCommand({
  name: 'doctor',
  summary: 'check the tools the target needs: required and found versions, how to get what is missing',
  targetHelp: 'target to check for (default: auto, as up would choose)',
  // doctor reads the target's tool list only, so it works before .env exists or while it is broken.
  targetFrom: 'defaults',
  run: async (_args, io) => {
    const { formatTable, probeAll, toolReady, toolsFor } = await import('../../config/tools.ts');
    const { target, why } = await io.target();
    const rows = await probeAll(toolsFor(target), io.signal);
    io.out(`doctor: target ${target.name} (${why})`);
    for (const line of formatTable(rows)) io.out(line);
    for (const r of rows) io.event({ type: 'tool', target: target.name, ...r });
    const bad = rows.filter((r) => !toolReady(r));
    if (bad.length > 0) {
      io.out(
        `doctor: ${bad.length} of ${rows.length} tools need attention: ${bad.map((r) => `${r.name} (${r.status})`).join(', ')}`,
      );
      return 1;
    }
    io.out(`doctor: all ${rows.length} tools ready for the ${target.name} target`);
    return 0;
  },
});
