// A check only the native target can give (seed 0-5): the log of every process it supervises
// (the pid files under .platform/run) has arrived in VictoriaLogs, which stands in for Loki here,
// under the process's name as `service`, with lines that carry a `level` field.
import fsp from 'node:fs/promises';
import type { Paths } from '../../context.ts';
import { check, type Check } from '../../engine/task.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { poll } from '../../../validation/lib/http.ts';
import { countBy } from '../../../validation/lib/logsql.ts';
import { substitute } from '../../../validation/lib/checks.ts';

const VL_FOR_LOKI = {
  for: 'Loki, with Alloy collecting every pod',
  by: 'VictoriaLogs fed by an OpenTelemetry Collector',
};

export async function supervisedNames(paths: Paths): Promise<string[]> {
  return (await fsp.readdir(paths.run).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.pid'))
    .map((f) => f.slice(0, -4))
    .sort();
}

export async function everyProcessLogCheck(paths: Paths, logsqlUrl: string): Promise<Check> {
  const id = '0-5.vl-every-process';
  const title = "Every native process's log arrives, queryable by service and level (VictoriaLogs for Loki)";
  const criteria = ['0-5.ac1', '0-5.ac2'];
  const names = await supervisedNames(paths);
  if (names.length === 0)
    return check({
      id,
      title,
      criteria,
      ...substitute(VL_FOR_LOKI),
      status: 'skip',
      reason: `no supervised process is running (no pid file in ${paths.run})`,
    });
  try {
    let all = new Map<string, number>();
    let leveled = new Map<string, number>();
    // A process started a moment ago: the collector polls its file twice a second.
    await poll(
      async () => {
        all = await countBy(logsqlUrl, '*', 'service');
        leveled = await countBy(logsqlUrl, 'level:*', 'service');
        return names.every((n) => leveled.get(n)) ? true : undefined;
      },
      15_000,
      1_000,
    );
    const missing = names.filter((n) => !all.get(n));
    const noLevel = names.filter((n) => all.get(n) && !leveled.get(n));
    const ok = missing.length === 0 && noLevel.length === 0;
    return check({
      id,
      title,
      criteria,
      ...substitute(VL_FOR_LOKI),
      status: ok ? 'pass' : 'fail',
      measured: `${names.length - missing.length - noLevel.length}/${names.length}`,
      unit: 'processes',
      threshold: 'all',
      evidence: `${logsqlUrl}: \`* | stats by (service) count()\` and \`level:* | stats by (service) count()\`: ${names.map((n) => `${n}=${leveled.get(n) ?? 0}/${all.get(n) ?? 0}`).join(', ')}`,
      ...(ok
        ? {}
        : {
            reason: [
              missing.length
                ? `no line from ${missing.join(', ')} (is otelcol running? see .platform/logs/otelcol.log)`
                : '',
              noLevel.length ? `no line with a level from ${noLevel.join(', ')}` : '',
            ]
              .filter(Boolean)
              .join('; '),
          }),
    });
  } catch (e) {
    return check({
      id,
      title,
      criteria,
      ...substitute(VL_FOR_LOKI),
      status: 'fail',
      reason: `${logsqlUrl}: ${errText(e)}`,
    });
  }
}
