// A service logger whose last lines are kept in memory, for a failing test to show what the
// client went through (reconnects, rebalances) without printing them on every passing run.
import type { Level } from 'pino';
import { createLogger } from '../../templates/service/src/lib/logging.ts';

export function keptLogger(service: string, level: Level = 'debug', keep = 200) {
  const lines: string[] = [];
  const log = createLogger({
    service,
    level,
    destination: {
      write: (line: string) => {
        lines.push(line.trimEnd());
        if (lines.length > keep) lines.shift();
      },
    },
  });
  return { log, tail: (n = 30) => lines.slice(-n).join('\n') };
}
