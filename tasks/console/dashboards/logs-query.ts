// A dashboard's logs panel, Grafana's `logs` type over the Loki datasource, read natively: the
// LogQL in the committed file becomes the LogsQL VictoriaLogs answers. Pure functions, shared by
// the browser code (web/lib/logs-panel.ts), the server-side evaluation and the unit tests.

const LINE_FILTER = /^\s*(\|=|!=|\|~|!~)\s*("(?:[^"\\]|\\.)*"|`[^`]*`)/;
const regexLiteral = (s: string) => s.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');

/**
 * A logs panel's Loki query (LogQL) as the LogsQL VictoriaLogs answers, so the file Grafana reads
 * on the Docker paths is the one the console draws natively. The part dashboards use: a stream
 * selector (the same `{label=~"re"}` syntax in both; `service` is a stream field natively, as it
 * is a Loki label there) and line filters, all four as RE2 regex filters (`|=` is a substring in
 * LogQL, a regex of the escaped text in LogsQL; `!=`/`!~` negate). Anything else (parsers,
 * formatting, metric queries) throws, and the panel says so.
 */
export function logsqlOf(logql: string): string {
  const m = /^\s*(\{[^{}]*\})(.*)$/s.exec(logql);
  if (!m) throw new Error(`log query "${logql}": the console reads a Loki stream selector {…} with line filters`);
  const out = [m[1]!];
  let rest = m[2]!;
  while (rest.trim()) {
    const f = LINE_FILTER.exec(rest);
    if (!f) {
      throw new Error(
        `log query "${logql}": "${rest.trim()}" is not supported by the console (stream selector and |= != |~ !~ only)`,
      );
    }
    const raw = f[2]!.startsWith('`') ? f[2]!.slice(1, -1) : (JSON.parse(f[2]!) as string);
    const re = f[1]!.endsWith('=') ? regexLiteral(raw) : raw;
    out.push(`${f[1]!.startsWith('!') ? '-' : ''}~${JSON.stringify(re)}`);
    rest = rest.slice(f[0].length);
  }
  return out.join(' ');
}

/** How many lines a logs panel shows (Grafana's Loki datasource asks 1000; a panel shows far fewer). */
export const LOGS_PANEL_LIMIT = 200;

/** The console's URL for a logs panel's query over [from, to] (seconds): newest lines first. */
export function logsPanelUrl(logsql: string, range: { from: number; to: number }, limit = LOGS_PANEL_LIMIT): string {
  const q = new URLSearchParams({
    query: `${logsql} | sort by (_time desc) | limit ${limit}`,
    start: new Date(range.from * 1000).toISOString(),
    end: new Date(range.to * 1000).toISOString(),
  });
  return `/api/logsql/query?${q}`;
}
