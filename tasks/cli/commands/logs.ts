// `logs [component…]`: the last lines of the named components (or all), merged in time order,
// each prefixed by its source; `-f` then follows until Ctrl-C. Native reads each process's log
// file; k3d and compose run the `kubectl logs` / `docker compose logs` lines their components give
// (`--dry-run` prints those lines and the files instead of reading them).
import { defineCommand } from '../command.ts';
import { flag, positiveInt, str, targetOption } from '../options.ts';
import { commandContext, openSession } from '../session.ts';
import { resolveWords } from '../addressed.ts';
import { mergeByTime, parseSince, prefixer, type LineFilter, type LogLine } from '../log-lines.ts';
import type { LogQuery, LogSource } from '../../targets/target.ts';

export const DEFAULT_TAIL = 100;

const shell = (cmd: readonly string[]) =>
  cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');

export const logs = defineCommand({
  name: 'logs',
  summary: 'show the last log lines of components (or all), merged in time order; -f follows until Ctrl-C',
  usage:
    'logs [component…] [-n N] [-f] [--since 10m|RFC3339] [--grep TEXT] [--dry-run] [--target T] [--json]',
  positionals: true,
  options: {
    ...targetOption,
    tail: {
      type: 'string',
      short: 'n',
      description: `lines to show, the last of the merged output (default ${DEFAULT_TAIL})`,
    },
    follow: { type: 'boolean', short: 'f', description: 'keep printing new lines until Ctrl-C (exit 130)' },
    since: {
      type: 'string',
      description: 'only lines written since a duration ago (30s, 10m, 2h, 1d) or an RFC 3339 time',
    },
    grep: { type: 'string', description: 'only lines containing this text (case-sensitive)' },
    'dry-run': { type: 'boolean', description: 'print the files or commands logs would read, read nothing' },
  },
  async run(args, io) {
    // Flags first: a bad value is a usage error before any target is chosen.
    const tail = positiveInt(args, 'tail', DEFAULT_TAIL)!;
    const sinceRaw = str(args, 'since');
    const filter: LineFilter = {
      sinceMs: sinceRaw === undefined ? undefined : parseSince(sinceRaw),
      grep: str(args, 'grep'),
    };
    const follow = flag(args, 'follow');
    const q: LogQuery = {
      ...(filter.grep === undefined ? { tail } : {}),
      follow,
      ...(filter.sinceMs === undefined ? {} : { sinceMs: filter.sinceMs }),
    };
    const s = await openSession(io);
    const ctx = commandContext(s, 'logs', io);
    const { chosen } = await resolveWords('logs', args.positionals, s, ctx, q);
    const sources = chosen.flatMap((c) => c.sources);
    if (flag(args, 'dry-run')) {
      for (const src of sources) {
        const what = 'file' in src ? `read ${src.file}${follow ? ' and follow it' : ''}` : shell(src.command);
        io.out(`[${src.name}] ${what}`);
        io.event({
          type: 'logs-plan',
          name: src.name,
          ...('file' in src ? { file: src.file } : { command: src.command }),
        });
      }
      return 0;
    }
    if (sources.length === 0) {
      io.err(
        `logs: the ${s.target.name} target has no log sources for ${args.positionals.join(', ') || 'any component'}`,
      );
      return 0;
    }
    const colour = !io.json && process.stdout.isTTY === true;
    const format = prefixer(
      sources.map((x) => x.name),
      colour,
    );
    const emit = (l: LogLine) => {
      io.out(format(l));
      io.event({
        type: 'log',
        name: l.name,
        time: l.time === undefined ? null : new Date(l.time).toISOString(),
        line: l.text,
      });
    };
    const read = await readAll(
      sources,
      filter,
      tail,
      s.paths.root,
      s.env,
      io.signal,
      follow ? emit : undefined,
    );
    mergeByTime(read.map((r) => r.lines))
      .slice(-tail)
      .forEach(emit);
    let failed = 0;
    for (const r of read) {
      if (r.failed) {
        failed++;
        io.err(`logs: ${r.name}: ${r.failed}`);
      }
    }
    if (follow && !io.signal.aborted) {
      const ended = await Promise.all(read.map((r) => r.follow?.()));
      ended.forEach((why, i) => {
        if (typeof why !== 'string') return;
        failed++;
        io.err(`logs: ${read[i]!.name}: ${why}`);
      });
    }
    return failed ? 1 : 0;
  },
});

interface Read {
  name: string;
  lines: LogLine[];
  failed?: string;
  /** Carries on from where the tail ended, until the signal aborts; says why it failed, if it did. */
  follow?: () => Promise<string | void>;
}

/**
 * Each source's tail. A file source follows from the offset its tail ended at. A command source
 * already has -f in its line when following: it is started once, its lines go to `live` as they
 * come, after a short wait for the tail it prints first (which is merged with the others).
 */
async function readAll(
  sources: readonly LogSource[],
  filter: LineFilter,
  tail: number,
  cwd: string,
  env: Readonly<Record<string, string>>,
  signal: AbortSignal,
  live: ((l: LogLine) => void) | undefined,
): Promise<Read[]> {
  const { tailFile, followFile } = await import('../log-files.ts');
  return Promise.all(
    sources.map(async (src): Promise<Read> => {
      if ('file' in src) {
        const t = await tailFile(src.name, src.file, tail, filter);
        return {
          name: src.name,
          lines: t.lines,
          follow: live ? () => followFile(src.name, src.file, t.end, filter, live, signal) : undefined,
        };
      }
      const { commandLines } = await import('../log-commands.ts');
      if (!live) {
        const r = await commandLines(src.name, src.command, { filter, env, signal, cwd });
        return { name: src.name, ...r };
      }
      // Following: every line, the tail included, is printed as the command prints it.
      const running = commandLines(src.name, src.command, { filter, env, signal, cwd, onLine: live });
      return { name: src.name, lines: [], follow: async () => (await running).failed };
    }),
  );
}
