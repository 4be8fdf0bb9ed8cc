// A log file's last lines and what is appended to it afterwards, for `logs` on a target that keeps
// each process's output in a file (native: .platform/logs/<name>.log). The tail is read from the
// end in chunks, so 100 lines of a file that grew to gigabytes under load cost a few reads.
import fsp from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { keep, stampLines, type LineFilter, type LogLine } from './log-lines.ts';

const CHUNK = 64 * 1024;

/**
 * The last `tail` lines of `file` that pass the filter, each with its time, and the offset the
 * file ended at (where following carries on). A missing file has no lines.
 */
export async function tailFile(
  name: string,
  file: string,
  tail: number,
  f: LineFilter,
): Promise<{ lines: LogLine[]; end: number }> {
  const fh = await fsp.open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  if (!fh) return { lines: [], end: 0 };
  try {
    const end = (await fh.stat()).size;
    let pos = end;
    let rest = Buffer.alloc(0); // bytes of a line cut by the chunk border, above what is read
    let texts: string[] = [];
    for (;;) {
      const start = Math.max(0, pos - CHUNK);
      const buf = Buffer.alloc(pos - start);
      await fh.read(buf, 0, buf.length, start);
      pos = start;
      const joined = Buffer.concat([buf, rest]);
      const cut = pos === 0 ? -1 : joined.indexOf(0x0a);
      rest = cut === -1 ? Buffer.alloc(0) : joined.subarray(0, cut);
      const whole = joined.subarray(cut + 1).toString('utf8');
      texts = [...whole.split('\n'), ...texts];
      if (pos === 0) break;
      // Enough once `tail` lines pass and the earliest of them has its own time (an undated line
      // takes the time of one above it), or once a dated line is older than --since.
      const lines = stampLines(
        name,
        texts.filter((t) => t !== ''),
      );
      const passing = lines.filter((l) => keep(l, f));
      const first = lines[0];
      if (f.sinceMs !== undefined && first?.time !== undefined && first.time < f.sinceMs) break;
      if (passing.length > tail && first?.time !== undefined) break;
    }
    const lines = stampLines(
      name,
      texts.filter((t) => t !== ''),
    ).filter((l) => keep(l, f));
    return { lines: lines.slice(-tail), end };
  } finally {
    await fh.close();
  }
}

/**
 * Calls `onLine` for each whole line appended to `file` from `from` on, until `signal` aborts;
 * polls every `everyMs`. A file that shrank was truncated or replaced: it is read from its start.
 */
export async function followFile(
  name: string,
  file: string,
  from: number,
  f: LineFilter,
  onLine: (l: LogLine) => void,
  signal: AbortSignal,
  everyMs = 200,
): Promise<void> {
  let pos = from;
  let partial = '';
  let lastTime: number | undefined;
  while (!signal.aborted) {
    const size = (await fsp.stat(file).catch(() => undefined))?.size ?? 0;
    if (size < pos) {
      pos = 0;
      partial = '';
    }
    if (size > pos) {
      const fh = await fsp.open(file, 'r');
      try {
        const buf = Buffer.alloc(size - pos);
        await fh.read(buf, 0, buf.length, pos);
        pos = size;
        const text = partial + buf.toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop() ?? '';
        for (const l of stampLines(
          name,
          parts.filter((t) => t !== ''),
          lastTime,
        )) {
          lastTime = l.time;
          if (keep(l, f)) onLine(l);
        }
      } finally {
        await fh.close();
      }
    }
    await sleep(everyMs, undefined, { signal }).catch(() => undefined);
  }
}
