// `plan [ids…]`: what `up` would do, without doing it: order, layers, which nodes would be
// skipped (already up, or not applicable here), and the commands components would run.
import { targetCommand } from '../options.ts';
import { componentOrder, commandContext, loadGraph, openSession, select } from '../session.ts';
import { layers } from '../../engine/graph.ts';

export const plan = targetCommand({
  name: 'plan',
  summary: 'show what up would do (order, layers, skips, component commands) without running anything',
  positionals: true,
  async run(args, io) {
    const graph = await loadGraph();
    const selection = select(graph, args.positionals);
    const s = await openSession(io, graph);
    const ctx = commandContext(s, 'plan', io);
    const decisions: {
      id: string;
      name: string;
      action: 'run' | 'skip: already up' | 'skip: not applicable';
      reason?: string;
    }[] = [];
    for (const t of selection) {
      const applies = t.applies?.(ctx) ?? true;
      if (applies !== true) {
        decisions.push({
          id: t.id,
          name: t.name,
          action: 'skip: not applicable',
          reason: applies.notApplicable,
        });
        continue;
      }
      let upNow: boolean;
      try {
        upNow = t.status ? await t.status(ctx) : false;
      } catch (e) {
        decisions.push({
          id: t.id,
          name: t.name,
          action: 'run',
          reason: `status failed: ${(e as Error).message.split('\n')[0]}`,
        });
        continue;
      }
      decisions.push({
        id: t.id,
        name: t.name,
        action: upNow ? 'skip: already up' : 'run',
        ...(t.run || upNow ? {} : { reason: 'no run step' }),
      });
    }
    const layerIds = layers(graph, selection).map((l) => l.map((t) => t.id));
    io.out(`order: ${selection.map((t) => t.id).join(' → ')}`);
    layerIds.forEach((l, i) =>
      io.out(`layer ${i}: ${l.join(', ')}${l.length > 1 ? '  (may run concurrently)' : ''}`),
    );
    io.out('');
    for (const d of decisions)
      io.out(`${d.id.padEnd(5)} ${d.name.padEnd(18)} ${d.action}${d.reason ? ` (${d.reason})` : ''}`);
    const commands: Record<string, string[]> = {};
    for (const id of componentOrder(s.graph, s.target)) {
      const c = s.target.components[id];
      if (!c?.plan) continue;
      try {
        commands[id] = await c.plan(ctx);
      } catch (e) {
        commands[id] = [`(plan failed: ${(e as Error).message.split('\n')[0]})`];
      }
    }
    if (Object.keys(commands).length) {
      io.out('');
      io.out(`commands the ${s.target.name} target would run:`);
      for (const [id, lines] of Object.entries(commands)) for (const l of lines) io.out(`  [${id}] ${l}`);
    }
    io.event({
      type: 'plan',
      target: s.target.name,
      order: selection.map((t) => t.id),
      layers: layerIds,
      nodes: decisions,
      commands,
    });
    return 0;
  },
});
