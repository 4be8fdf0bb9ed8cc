// Lines of the platform's logs as `logs` shows them: when each was written (from the JSON fields
// the processes use, or a leading RFC 3339 stamp), the --since parser, the time-ordered merge of
// several sources and the `name | ` prefix. Pure functions: reading files and running kubectl or
// docker compose live in log-files.ts and log-commands.ts.
import { styleText } from 'node:util';
import { UsageError } from '../engine/task.ts';

export interface LogLine {
  /** The source (process, pod, service) it came from, as `status` names it. */
  name: string;
  /** Epoch ms it was written; undefined when neither it nor a line before it in its source says. */
  time: number | undefined;
  text: string;
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: a duration back from now (`90s`, `10m`, `2h`, `1d`, `1h30m`) or an RFC 3339 time
 * (`2026-12-04T18:00:00Z`), as docker and kubectl take it. Anything else is a usage error.
 */
export function parseSince(raw: string, now = Date.now()): number {
  const text = raw.trim();
  if (/^(\d+(ms|s|m|h|d))+$/.test(text)) {
    let ms = 0;
    for (const [, n, u] of text.matchAll(/(\d+)(ms|s|m|h|d)/g)) ms += Number(n) * UNITS[u!]!;
    return now - ms;
  }
  if (/^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(text)) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return t;
  }
  throw new UsageError(
    `logs: --since '${raw}' is neither a duration (30s, 10m, 2h, 1d, 1h30m) nor a time (2026-12-04T18:00:00Z)`,
  );
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))\s/;

/** When a line was written: `timestamp`/`ts`/`time`/`@timestamp` of a JSON line, or a leading RFC 3339 stamp. */
export function timeOf(text: string): number | undefined {
  if (text.startsWith('{')) {
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      for (const k of ['timestamp', 'ts', 'time', '@timestamp']) {
        const v = o[k];
        // pino writes epoch ms, the Go loggers ISO strings (zap's epoch seconds show as < 1e12).
        if (typeof v === 'number') return v < 1e12 ? Math.round(v * 1_000) : v;
        if (typeof v === 'string') {
          const t = Date.parse(v);
          if (!Number.isNaN(t)) return t;
        }
      }
    } catch {
      /* not JSON after all: try the stamp */
    }
  }
  const m = STAMP.exec(text);
  return m ? Date.parse(m[1]!) : undefined;
}

/**
 * Gives every line of one source a time: its own, else the last one above it (a stack trace's
 * lines belong to the line that started it). `carry` is the time of the line before the first.
 */
export function stampLines(name: string, texts: readonly string[], carry?: number): LogLine[] {
  let last = carry;
  return texts.map((text) => {
    const t = timeOf(text);
    if (t !== undefined) last = t;
    return { name, time: last, text };
  });
}

export interface LineFilter {
  sinceMs?: number;
  grep?: string;
}

/** Keeps the lines at or after `sinceMs` (an undated line cannot show it is recent) that contain `grep`. */
export function keep(line: LogLine, f: LineFilter): boolean {
  if (f.sinceMs !== undefined && (line.time === undefined || line.time < f.sinceMs)) return false;
  return f.grep === undefined || line.text.includes(f.grep);
}

/**
 * Several sources' lines in one time order. Stable: lines of the same time keep their source's
 * order, undated lines sort first (they carry no time and were written before any dated one).
 */
export function mergeByTime(sources: readonly LogLine[][]): LogLine[] {
  return sources
    .flatMap((lines, s) => lines.map((l, i) => ({ l, s, i })))
    .sort((a, b) => (a.l.time ?? -Infinity) - (b.l.time ?? -Infinity) || a.s - b.s || a.i - b.i)
    .map((x) => x.l);
}

const COLOURS = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red'] as const;

/**
 * Formats `name | text`, names padded to one width; coloured per source when `colour` (a TTY
 * without NO_COLOR: node's styleText decides from the stream and the environment).
 */
export function prefixer(names: readonly string[], colour: boolean): (l: LogLine) => string {
  const width = Math.max(0, ...names.map((n) => n.length));
  const index = new Map(names.map((n, i) => [n, i]));
  return (l) => {
    const label = l.name.padEnd(width);
    const shown = colour
      ? styleText(COLOURS[(index.get(l.name) ?? 0) % COLOURS.length]!, label, { stream: process.stdout })
      : label;
    return `${shown} | ${l.text}`;
  };
}
