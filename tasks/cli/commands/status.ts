// `status`: a process-compose style table of the active target's processes, then each node's
// last outcome from the state file. Every component is asked at once and each answer is bounded
// in time: one hung process costs ROW_TIMEOUT_MS, not the whole command, and shows as unhealthy.
import { targetCommand } from '../options.ts';
import { componentOrder, commandContext, openSession, readState } from '../session.ts';
import { fmtMs } from '../../engine/scheduler.ts';
import type { PlatformContext } from '../../context.ts';
import type { Component, ComponentId, ProcessRow } from '../../targets/target.ts';

/**
 * How long one component may take to describe its processes before it is shown as not answering.
 * 10 s: at a load average of 10-20 on a 2-core machine (a clean clone's .ci/run) every component
 * took over 3 s, three asks in a row; a healthy idle stack answers in well under a second.
 */
export const ROW_TIMEOUT_MS = 10_000;

/** A component's rows, or one `unhealthy` row saying why (failed, or no answer in time). */
export async function rowsWithin(
  id: ComponentId,
  c: Component<PlatformContext>,
  ctx: PlatformContext,
  timeoutMs = ROW_TIMEOUT_MS,
): Promise<ProcessRow[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ProcessRow[]>((resolve) => {
    timer = setTimeout(
      () => resolve([{ name: id, state: 'unhealthy', detail: `no answer within ${fmtMs(timeoutMs)}` }]),
      timeoutMs,
    );
  });
  const rows = Promise.resolve()
    .then(() => c.rows!(ctx))
    .catch((e: unknown): ProcessRow[] => [
      { name: id, state: 'unhealthy', detail: `rows failed: ${(e as Error).message.split('\n')[0]}` },
    ]);
  try {
    return await Promise.race([rows, late]);
  } finally {
    clearTimeout(timer);
  }
}

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

export const status = targetCommand({
  name: 'status',
  summary:
    "show the target's processes (state, pid, port, uptime, restarts, memory) and each node's last outcome",
  async run(args, io) {
    const s = await openSession(io);
    const graph = s.graph;
    const ctx = commandContext(s, 'status', io);
    const stateRead = readState(s, io);
    const procs = (
      await Promise.all(
        componentOrder(s.graph, s.target).map((id) => {
          const c = s.target.components[id];
          return c?.rows ? rowsWithin(id, c, ctx) : [];
        }),
      )
    ).flat();
    // Read beside the rows; the table shows how often `restart` restarted each process.
    const state = await stateRead;
    if (procs.length === 0) io.out(`processes: the ${s.target.name} target reports none yet`);
    else {
      table(
        ['NAME', 'STATE', 'PID', 'PORT', 'UPTIME', 'RESTARTS', 'RSS', 'DATA', 'DETAIL'],
        procs.map((p) => [
          p.name,
          p.state,
          String(p.pid ?? '-'),
          String(p.port ?? '-'),
          p.uptimeMs === undefined ? '-' : fmtMs(p.uptimeMs),
          String(state.restarts?.[p.name]?.count ?? 0),
          mib(p.rssBytes),
          mib(p.dataBytes),
          p.detail ?? '',
        ]),
      ).forEach((l) => io.out(l));
    }
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
      processes: procs.map((p) => ({ ...p, restarts: state.restarts?.[p.name]?.count ?? 0 })),
      nodes: graph.order.map((t) => ({ id: t.id, name: t.name, ...state.nodes[t.id] })),
    });
    return 0;
  },
});
