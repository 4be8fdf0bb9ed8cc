// `down`: stop what the target runs, last component first; data survives (clean removes it).
import type { CliIO, ParsedArgs } from '../command.ts';
import { targetCommand } from '../options.ts';
import { componentOrder, commandContext, openSession, type Session } from '../session.ts';

/** Stops every component that can stop, in reverse dependency order; returns the failures. */
export async function stopAll(s: Session, io: CliIO): Promise<number> {
  const ctx = commandContext(s, 'down', io);
  let failures = 0;
  for (const id of componentOrder(s.graph, s.target).reverse()) {
    const c = s.target.components[id];
    if (!c?.down) continue;
    try {
      await c.down(ctx);
      io.out(`down: ${id} stopped`);
      io.event({ type: 'down', component: id, ok: true });
    } catch (e) {
      failures++;
      const msg = (e as Error).message.split('\n')[0];
      io.err(`down: ${id} failed to stop: ${msg}`);
      io.event({ type: 'down', component: id, ok: false, error: msg });
    }
  }
  return failures;
}

export async function downCommand(args: ParsedArgs, io: CliIO): Promise<{ s: Session; failures: number }> {
  const s = await openSession(io);
  const failures = await stopAll(s, io);
  if (!Object.values(s.target.components).some((c) => c?.down))
    io.out(`down: the ${s.target.name} target has nothing to stop`);
  return { s, failures };
}

export const down = targetCommand({
  name: 'down',
  summary: 'stop the platform (last component first); data survives',
  async run(args, io) {
    return (await downCommand(args, io)).failures ? 1 : 0;
  },
});
