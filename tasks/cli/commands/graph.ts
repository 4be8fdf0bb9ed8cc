// `graph --format mermaid|dot|json`: the dependency graph for a diagram or a machine.
import { defineCommand } from '../command.ts';
import { str } from '../options.ts';
import { loadGraph } from '../session.ts';
import { criticalPath, layers } from '../../engine/graph.ts';
import { UsageError } from '../../engine/task.ts';

const FORMATS = ['mermaid', 'dot', 'json'] as const;

export const graph = defineCommand({
  name: 'graph',
  summary: 'print the dependency graph as Mermaid, Graphviz dot or JSON',
  usage: 'graph [--format mermaid|dot|json]',
  options: { format: { type: 'string', description: 'mermaid | dot | json', default: 'mermaid' } },
  async run(args, io) {
    const format = str(args, 'format') ?? 'mermaid';
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`graph: unknown format '${format}'; use one of: ${FORMATS.join(', ')}`);
    }
    const g = await loadGraph();
    const edges = g.order.flatMap((t) => t.needs.map((n) => [n.id, t.id] as const));
    const print = (text: string) => io.out(text);
    // Unweighted critical path: the longest chain of needs.
    const data = {
      nodes: g.order.map((t) => ({
        id: t.id,
        name: t.name,
        title: t.title,
        needs: t.needs.map((n) => n.id),
      })),
      edges: edges.map(([from, to]) => ({ from, to })),
      layers: layers(g).map((l) => l.map((t) => t.id)),
      longestChain: criticalPath(g, new Map(g.order.map((t) => [t.id, 1]))).ids,
    };
    io.event({ type: 'graph', ...data });
    if (format === 'json') {
      print(JSON.stringify(data, null, 2));
    } else if (format === 'dot') {
      print(
        [
          'digraph phase0 {',
          '  rankdir=LR;',
          ...g.order.map((t) => `  "${t.id}" [label="${t.id}\\n${t.name}"];`),
          ...edges.map(([a, b]) => `  "${a}" -> "${b}";`),
          '}',
        ].join('\n'),
      );
    } else {
      const nid = (id: string) => `n${id.replace(/\W/g, '_')}`;
      print(
        [
          'graph LR',
          ...g.order.map((t) => `  ${nid(t.id)}["${t.id} ${t.name}"]`),
          ...edges.map(([a, b]) => `  ${nid(a)} --> ${nid(b)}`),
        ].join('\n'),
      );
    }
    return 0;
  },
});
