// A check only the native target can give (seed 0-5): every supervised process writes JSON lines
// under .platform/logs, since natively there is no Loki to query.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Paths } from '../../context.ts';
import { check, type Check } from '../../engine/task.ts';

/** Fraction of lines that parse as JSON objects, per supervised process's log (pid files in run/). */
export async function nativeJsonLogsCheck(paths: Paths): Promise<Check> {
  const id = '0-5.native-json-logs';
  const title = 'Native processes write JSON-line logs under .platform/logs';
  const names = (await fsp.readdir(paths.run).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.pid'))
    .map((f) => f.slice(0, -4));
  if (names.length === 0) {
    return check({
      proof: 'live',
      id,
      title,
      criteria: ['0-5.ac4'],
      status: 'skip',
      reason: `no supervised process is running (no pid file in ${paths.run})`,
    });
  }
  const bad: string[] = [];
  let checked = 0;
  for (const name of names.sort()) {
    const text = await fsp.readFile(path.join(paths.logs, `${name}.log`), 'utf8').catch(() => '');
    const lines = text
      .split('\n')
      .filter((l) => l.trim())
      .slice(-200);
    if (lines.length === 0) continue;
    checked++;
    const isJson = (l: string) => {
      try {
        return typeof JSON.parse(l) === 'object';
      } catch {
        return false;
      }
    };
    const other = lines.filter((l) => !isJson(l));
    if (other.length)
      bad.push(
        `${name}.log ${lines.length - other.length}/${lines.length} JSON, first other line: ${JSON.stringify(other[0]?.slice(0, 100))}`,
      );
  }
  return check({
    proof: 'live',
    id,
    title,
    criteria: ['0-5.ac4'],
    status: bad.length ? 'fail' : checked ? 'pass' : 'skip',
    measured: `${checked - bad.length}/${checked}`,
    unit: 'log files all JSON',
    threshold: 'all',
    evidence: `${paths.logs}: ${names.join(', ')} (last 200 lines each)`,
    ...(bad.length
      ? { reason: bad.join('; ') }
      : checked
        ? {}
        : { reason: 'the running processes have not logged anything yet' }),
  });
}
