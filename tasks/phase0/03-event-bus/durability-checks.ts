// Durability (seed 0-3.ac6: "data persists across pod restarts"), as data: N messages with
// acks=all, a restart of the broker through the target's component, then all N read back. Two
// checks from the one restart: the messages kept, and how long the restart took (bounded, so a
// broker that comes back only after minutes fails instead of passing with a figure).
import { randomUUID } from 'node:crypto';
import { orchestratorKafka, SEED_TOPICS, type TopicSpec } from '../../topics.ts';
import { defineCheck, type DefinedCheck } from '../../../validation/lib/define-check.ts';
import { errText, firstLine } from '../../../validation/lib/errors.ts';
import { compareRoundTrip, consumeRange, endOffsets, produceKeyed, testMessages } from './kafka-io.ts';

export interface RestartHook {
  /** What restarts the broker, for the evidence (`native supervisor: SIGTERM + start`). */
  how: string;
  /** Restarts the broker and resolves once it answers again. */
  restart: () => Promise<void>;
}

export const RESTART_LIMIT_MS = 60_000;

const since = (t0: number) => Math.round(performance.now() - t0);

/** The durability check and the restart-time check it feeds; without a hook both skip with its reason. */
export function durabilityChecks(
  restart: RestartHook | { unavailable: string },
  opts: { topic?: TopicSpec; count?: number; timeoutMs?: number } = {},
): DefinedCheck[] {
  const topic = opts.topic ?? SEED_TOPICS.find((t) => t.name === 'orders.placed')!;
  const n = opts.count ?? 1000;
  // What the durability run found about the restart, for the restart-time check after it.
  const seen: { restartMs?: number; error?: string } = {};
  const durability = defineCheck(
    { id: '0-3.durability', criteria: ['0-3.ac6'], title: `Messages written with acks=all survive a broker restart (${topic.name})`, needs: 'kafka', proof: 'live' },
    async (ep) => {
      if ('unavailable' in restart) return { skip: restart.unavailable };
      try {
        const kafka = orchestratorKafka(ep.url, 'example-app-verify');
        const run = randomUUID().slice(0, 8);
        const messages = testMessages(run, topic.name, 10, Math.ceil(n / 10)).slice(0, n);
        const before = await endOffsets(kafka, topic.name);
        await produceKeyed(kafka, topic.name, messages);
        const after = await endOffsets(kafka, topic.name);
        const r0 = performance.now();
        await restart.restart();
        seen.restartMs = since(r0);
        const afterRestart = await endOffsets(kafka, topic.name);
        const shrunk = [...after].filter(([p, o]) => (afterRestart.get(p) ?? 0n) < o);
        const consumed = await consumeRange(kafka, topic.name, before, after, opts.timeoutMs ?? 60_000);
        const mine = consumed.filter((m) => m.key.startsWith(`verify-${run}-`));
        const kept = new Set(mine.map((m) => m.value)).size;
        const problems = compareRoundTrip(messages, mine);
        if (shrunk.length > 0)
          problems.unshift(`end offsets went back after the restart on partition(s) ${shrunk.map(([p]) => p).join(', ')}`);
        return {
          measured: kept,
          unit: 'messages',
          threshold: `= ${n}`,
          evidence: `N=${n} produced with acks=all, restarted by ${restart.how} in ${seen.restartMs} ms, ${kept} read back, ${n - kept} lost`,
          problems: problems.slice(0, 3),
        };
      } catch (e) {
        seen.error = firstLine(errText(e));
        throw e;
      }
    },
  );
  const restartTime = defineCheck(
    { id: '0-3.restart-time', criteria: ['0-3.ac6'], title: 'Broker restart through the orchestrator until it answers again', needs: 'kafka', proof: 'live', bound: { below: RESTART_LIMIT_MS, unit: 'ms' } },
    () => {
      if ('unavailable' in restart) return { skip: restart.unavailable };
      if (seen.restartMs === undefined) throw new Error(`no restart measured: ${seen.error ?? 'the durability check did not run'}`);
      return { measured: seen.restartMs, evidence: restart.how };
    },
  );
  return [durability, restartTime];
}
