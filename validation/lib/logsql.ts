// A small client for VictoriaLogs' LogsQL HTTP API (`/select/logsql/query`), the log store that
// stands in for Loki where Loki cannot run (the native target). Rows come back as JSON lines.
import { http } from './http.ts';

export type LogRow = Record<string, string>;

export interface LogsqlResult {
  rows: LogRow[];
  /** Wall time of the HTTP round trip, ms. */
  ms: number;
}

/** Runs one LogsQL query; throws with the store's own answer on a non-200. */
export async function logsql(
  base: string,
  query: string,
  opts: { limit?: number; timeoutMs?: number } = {},
): Promise<LogsqlResult> {
  const q = new URLSearchParams({ query, ...(opts.limit ? { limit: String(opts.limit) } : {}) });
  const r = await http(`${base.replace(/\/$/, '')}/select/logsql/query?${q}`, {
    timeoutMs: opts.timeoutMs ?? 10_000,
  });
  if (r.status !== 200)
    throw new Error(`LogsQL \`${query}\` answered ${r.status}: ${r.text.trim().slice(0, 200)}`);
  const rows = r.text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as LogRow);
  return { rows, ms: r.ms };
}

/** A LogsQL string literal (the store's quoting: JSON string rules). */
export const quote = (v: string) => JSON.stringify(v);

/** `| stats by (field) count() n` as a map field value → count. */
export async function countBy(base: string, filter: string, field: string): Promise<Map<string, number>> {
  const { rows } = await logsql(base, `${filter} | stats by (${field}) count() n`);
  return new Map(rows.map((r) => [r[field] ?? '', Number(r.n ?? 0)]));
}

/** The value of a flag the running VictoriaLogs was started with (its /metrics `flag{…}` series). */
export async function runningFlag(base: string, name: string): Promise<string | undefined> {
  const r = await http(`${base.replace(/\/$/, '')}/metrics`, { timeoutMs: 5_000 });
  if (r.status !== 200) throw new Error(`GET /metrics answered ${r.status}`);
  const re = new RegExp(`^flag\\{name="${name}", value="([^"]*)"`, 'm');
  return re.exec(r.text)?.[1];
}
