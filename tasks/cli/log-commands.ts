// Log lines from a command (`kubectl logs --timestamps …`, `docker compose logs --timestamps
// --no-log-prefix …`), for targets whose processes run in pods or containers. Each printed line
// starts with an RFC 3339 stamp, which timeOf() reads for the merge. The child is cancelled with
// the command's signal, so Ctrl-C during `logs -f` leaves no kubectl or docker behind.
import { keep, stampLines, type LineFilter, type LogLine } from './log-lines.ts';

export type Argv = readonly [string, ...string[]];

/** Leading `NAME=value` words are environment for the command, as `plan` prints them. */
function split(cmd: Argv): { argv: Argv; env: Record<string, string> } {
  let i = 0;
  while (i < cmd.length - 1 && /^[A-Za-z_]\w*=/.test(cmd[i]!)) i++;
  const env = Object.fromEntries(
    cmd.slice(0, i).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
  );
  return { argv: cmd.slice(i) as unknown as Argv, env };
}

export interface CommandLines {
  lines: LogLine[];
  /** Why the command failed (exit code and its last stderr line); undefined when it ran. */
  failed?: string;
}

/**
 * Runs `cmd` to its end (no follow) or until `signal` aborts (follow), passing each line that
 * passes the filter to `onLine` as it arrives; `env` (the settings) reaches the child's
 * environment, never its argv. Returns the lines when not streaming.
 */
export async function commandLines(
  name: string,
  cmd: Argv,
  opts: {
    filter: LineFilter;
    env: Readonly<Record<string, string>>;
    signal: AbortSignal;
    cwd: string;
    onLine?: (l: LogLine) => void;
  },
): Promise<CommandLines> {
  const { argv, env } = split(cmd);
  // execa loads here: `logs` on native spawns nothing.
  const { execa } = await import('execa');
  const child = execa(argv[0], argv.slice(1), {
    cwd: opts.cwd,
    env: { ...opts.env, ...env },
    reject: false,
    cancelSignal: opts.signal,
    stdin: 'ignore',
    stderr: 'pipe',
    // A cancelled child gets SIGTERM, then SIGKILL if it lingers.
    forceKillAfterDelay: 2_000,
  });
  const lines: LogLine[] = [];
  let last: number | undefined;
  try {
    for await (const text of child.iterable({ from: 'stdout' })) {
      const [l] = stampLines(name, [String(text)], last);
      last = l!.time;
      if (!keep(l!, opts.filter)) continue;
      if (opts.onLine) opts.onLine(l!);
      else lines.push(l!);
    }
  } catch {
    /* the child failed (not found, cancelled): its result below says how */
  }
  const r = await child;
  if (r.isCanceled || opts.signal.aborted) return { lines };
  if (r.failed) {
    const why =
      String(r.stderr ?? '')
        .trim()
        .split('\n')
        .pop() || (r.shortMessage ?? '').split('\n')[0];
    return { lines, failed: `exit ${r.exitCode ?? r.signal}${why ? `: ${why}` : ''}` };
  }
  return { lines };
}
