// CPU seconds of a process and of the children it has reaped (Linux /proc/<pid>/stat: utime,
// stime, cutime, cstime). A test file's JVMs, collectors and CLI runs are children of its worker
// (or of the worker's children) and are reaped when they stop, so the worker's figure before and
// after a file is that file's CPU: a cost the machine's load does not inflate the way it does wall
// time. undefined where /proc is not there (macOS).
import fs from 'node:fs';

/** Clock ticks per second of /proc's figures: USER_HZ, 100 on every Linux architecture Node runs on. */
const USER_HZ = 100;

export function cpuSeconds(pid: number | 'self'): number | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command (which may hold spaces and parentheses): state is field 3, utime 14.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((n, i) => n + Number(f[i] ?? NaN), 0);
  return Number.isFinite(ticks) ? ticks / USER_HZ : undefined;
}
