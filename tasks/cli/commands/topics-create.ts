// `topics-create`: the seed's six topics (tasks/topics.ts) on the active target's broker.
// Idempotent: creates what is missing, says "already present, unchanged" for the rest; a topic
// with another partition count is an error naming both numbers (exit 1), never altered.
import { targetCommand } from '../options.ts';
import { openSession } from '../session.ts';
import { UsageError } from '../../engine/task.ts';
import { isAvailable } from '../../targets/target.ts';

export const topicsCreate = targetCommand({
  name: 'topics-create',
  summary: "create the seed's six Kafka topics (idempotent; a partition mismatch fails with both numbers)",
  async run(args, io) {
    const { describeOutcome, ensureTopics, SEED_TOPICS } = await import('../../topics.ts');
    const s = await openSession(io);
    const kafka = s.target.endpoints().kafka;
    if (!isAvailable(kafka))
      throw new UsageError(
        `topics-create: no Kafka endpoint on the ${s.target.name} target: ${kafka.unavailable}`,
      );
    let outcomes;
    try {
      outcomes = await ensureTopics(kafka.url, SEED_TOPICS);
    } catch (e) {
      io.err(
        `topics-create: could not reach Kafka at ${kafka.url}: ${(e as Error).message.split('\n')[0]}; is it up? (npx tsx tasks.ts up 0-3)`,
      );
      return 1;
    }
    for (const o of outcomes) {
      io.out(describeOutcome(o));
      io.event({ type: 'topic', bootstrap: kafka.url, ...o });
    }
    const bad = outcomes.filter((o) => o.outcome === 'mismatch');
    const created = outcomes.filter((o) => o.outcome === 'created').length;
    io.out(
      bad.length > 0
        ? `topics-create: ${bad.length} topic(s) differ from the seed; nothing was changed on them`
        : created === 0
          ? `topics-create: all ${outcomes.length} topics already present, nothing changed`
          : `topics-create: created ${created}, ${outcomes.length - created} already present`,
    );
    return bad.length > 0 ? 1 : 0;
  },
});
