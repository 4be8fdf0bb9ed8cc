// Log push and query against Loki's HTTP API (k3d, compose), and the retention durations the log
// and trace stores are configured with. Used by 0-5, 0-6 and 0-13.
import { http } from './http.ts';

/** Pushes one JSON line (the seed format) to Loki; returns the nanosecond timestamp used. */
export async function pushLine(
  loki: string,
  labels: Record<string, string>,
  line: Record<string, unknown>,
): Promise<bigint> {
  const ns = BigInt(Date.now()) * 1_000_000n;
  const res = await http(`${loki}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ streams: [{ stream: labels, values: [[ns.toString(), JSON.stringify(line)]] }] }),
  });
  if (res.status !== 204 && res.status !== 200)
    throw new Error(`Loki push answered ${res.status}: ${res.text.slice(0, 200)}`);
  return ns;
}

export interface LokiHit {
  line: Record<string, unknown>;
  ms: number;
}

/** Runs a LogQL query_range over the last `sinceMs`; the first line found, or undefined. */
export async function queryRange(
  base: string,
  logql: string,
  sinceMs = 15 * 60_000,
  headers: Record<string, string> = {},
): Promise<LokiHit | undefined> {
  const end = BigInt(Date.now() + 5_000) * 1_000_000n;
  const start = BigInt(Date.now() - sinceMs) * 1_000_000n;
  const q = new URLSearchParams({
    query: logql,
    start: start.toString(),
    end: end.toString(),
    limit: '10',
    direction: 'backward',
  });
  const res = await http(`${base}/loki/api/v1/query_range?${q}`, { headers });
  if (res.status !== 200) throw new Error(`query_range answered ${res.status}: ${res.text.slice(0, 200)}`);
  const body = JSON.parse(res.text) as { data?: { result?: { values?: [string, string][] }[] } };
  const first = body.data?.result?.[0]?.values?.[0]?.[1];
  return first === undefined ? undefined : { line: JSON.parse(first) as Record<string, unknown>, ms: res.ms };
}

/** Go duration ("720h", "30d", "1w") in hours. */
export function hoursOf(d: unknown): number | undefined {
  if (typeof d !== 'string') return undefined;
  const units: Record<string, number> = { w: 168, d: 24, h: 1, m: 1 / 60, s: 1 / 3600 };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(w|d|h|m|s)/g;
  let matched = '';
  for (let m = re.exec(d); m; m = re.exec(d)) {
    total += Number(m[1]) * (units[m[2] ?? 'h'] ?? 0);
    matched += m[0];
  }
  return matched === d && d !== '' ? total : undefined;
}
