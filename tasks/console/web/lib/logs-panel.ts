// A dashboard's logs panel (Grafana's `logs` type over the Loki datasource): the same query the
// Docker paths' Grafana sends to Loki, asked natively of VictoriaLogs as LogsQL (logsqlOf) through
// the console's server, newest line first. Each line links to its trace, so a dashboard reads
// metrics, the lines beside them, and from a line the request's spans.
import { logsPanelUrl, logsqlOf } from '../../dashboards/logs-query.ts';
import { interpolate, type GrafanaPanel, type QueryContext } from '../../dashboards/model.ts';
import { parseLogLines, type LogLine } from '../traces/queries.ts';
import { routeHref } from './page.ts';
import { getText } from './api.ts';
import { h } from './dom.ts';

export interface LogsOutcome {
  state: 'drawn' | 'nodata' | 'error';
  points: number;
  reason?: string;
}

const when = (t: string) => {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString().slice(11, 23);
};

function lineRow(l: LogLine): HTMLElement {
  return h(
    'tr',
    { class: 'log-line' },
    h('td', { class: 'num' }, when(l.time)),
    h('td', { class: `level-${l.level.toLowerCase()}` }, l.level),
    h('td', { class: 'num' }, l.service),
    h('td', null, l.traceId ? h('a', { href: routeHref('traces', [l.traceId]) }, l.traceId.slice(0, 8)) : ''),
    h(
      'td',
      null,
      h('span', { class: 'log-msg' }, l.message),
      ' ',
      h('span', { class: 'muted' }, l.fields.map(([k, v]) => `${k}=${v}`).join('  ')),
    ),
  );
}

export async function drawLogs(
  body: HTMLElement,
  p: GrafanaPanel,
  range: { from: number; to: number },
  ctx: QueryContext,
  signal: AbortSignal,
): Promise<LogsOutcome> {
  const queries = (p.targets ?? [])
    .filter((t) => !t.hide && t.expr?.trim())
    .map((t) => logsqlOf(interpolate(t.expr!, ctx)));
  let lines: LogLine[];
  try {
    const answers = await Promise.all(
      queries.map(async (q) => parseLogLines(await getText(logsPanelUrl(q, range), signal))),
    );
    lines = answers.flat().sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  } catch (e) {
    const reason = `log query failed: ${(e as Error).message}`;
    body.replaceChildren(h('div', { class: 'error' }, reason));
    return { state: 'error', points: 0, reason };
  }
  if (lines.length === 0) {
    body.replaceChildren(h('div', { class: 'nodata' }, 'No log lines'));
    return { state: 'nodata', points: 0, reason: `no lines for ${queries.join('; ')}` };
  }
  body.replaceChildren(
    h('div', { class: 'logs-panel' }, h('table', { class: 'trace-logs' }, ...lines.map(lineRow))),
  );
  return { state: 'drawn', points: lines.length };
}
