// `list`: every node with its id, name, title and what it needs.
import { defineCommand } from '../command.ts';
import { loadGraph } from '../session.ts';

export const list = defineCommand({
  name: 'list',
  summary: 'list the nodes: id, name, title, needs',
  usage: 'list [--json]',
  async run(_args, io) {
    const graph = await loadGraph();
    const rows = graph.order.map((t) => ({
      id: t.id,
      name: t.name,
      title: t.title,
      needs: t.needs.map((n) => n.id),
    }));
    const w = Math.max(...rows.map((r) => r.name.length), 4);
    io.out(`${'ID'.padEnd(5)} ${'NAME'.padEnd(w)}  ${'NEEDS'.padEnd(24)} TITLE`);
    for (const r of rows)
      io.out(`${r.id.padEnd(5)} ${r.name.padEnd(w)}  ${(r.needs.join(',') || '-').padEnd(24)} ${r.title}`);
    io.event({ type: 'list', nodes: rows });
    return 0;
  },
});
