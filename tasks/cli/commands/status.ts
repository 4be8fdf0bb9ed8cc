// `status`: a process-compose style table of the active target's processes, then each node's
// last outcome from the state file.
import { defineCommand } from '../command.ts';
import { targetOption } from '../options.ts';
import { componentOrder, commandContext, loadGraph, openSession, readState } from '../session.ts';
import { fmtMs } from '../../engine/scheduler.ts';
import type { ProcessRow } from '../../targets/target.ts';

const mib = (b?: number) => (b === undefined ? '-' : `${(b / 1024 / 1024).toFixed(0)} MiB`);
const ago = (at?: number) => (at === undefined ? '-' : `${fmtMs(Date.now() - at)} ago`);

export function table(header: string[], rows: string[][]): string[] {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export const status = defineCommand({
  name: 'status',
  summary: "show the target's processes (state, pid, port, uptime, memory) and each node's last outcome",
  usage: 'status [--target T] [--json]',
  options: { ...targetOption },
  async run(args, io) {
    const graph = await loadGraph();
    const s = await openSession(args, io, graph);
    const ctx = commandContext(s, 'status', io);
    const procs: ProcessRow[] = [];
    for (const id of componentOrder(s.graph, s.target)) {
      const c = s.target.components[id];
      if (!c?.rows) continue;
      try {
        procs.push(...(await c.rows(ctx)));
      } catch (e) {
        procs.push({
          name: id,
          state: 'unhealthy',
          detail: `rows failed: ${(e as Error).message.split('\n')[0]}`,
        });
      }
    }
    if (procs.length === 0) io.out(`processes: the ${s.target.name} target reports none yet`);
    else {
      table(
        ['NAME', 'STATE', 'PID', 'PORT', 'UPTIME', 'RSS', 'DATA', 'DETAIL'],
        procs.map((p) => [
          p.name,
          p.state,
          String(p.pid ?? '-'),
          String(p.port ?? '-'),
          p.uptimeMs === undefined ? '-' : fmtMs(p.uptimeMs),
          mib(p.rssBytes),
          mib(p.dataBytes),
          p.detail ?? '',
        ]),
      ).forEach((l) => io.out(l));
    }
    const state = await readState(s, io);
    io.out('');
    table(
      ['ID', 'NAME', 'LAST UP', 'WHEN', 'LAST VERIFY', 'REASON'],
      graph.order.map((t) => {
        const n = state.nodes[t.id];
        return [
          t.id,
          t.name,
          n?.state ?? 'never run',
          ago(n?.endedAt),
          n?.verifyState ?? '-',
          n?.reason ?? '',
        ];
      }),
    ).forEach((l) => io.out(l));
    io.event({
      type: 'status',
      target: s.target.name,
      processes: procs,
      nodes: graph.order.map((t) => ({ id: t.id, name: t.name, ...state.nodes[t.id] })),
    });
    return 0;
  },
});
