// Consumer lag arithmetic, kept pure so it can be unit-tested without a broker. Same definition
// as danielqsj/kafka_exporter: lag = partition log-end offset - group committed offset, per
// (group, topic, partition); a partition the group never committed has no lag series.

export interface CommittedOffset {
  group: string;
  topic: string;
  partition: number;
  offset: bigint;
}

export interface LagSample {
  group: string;
  topic: string;
  partition: number;
  committed: bigint;
  end: bigint;
  lag: bigint;
}

/** `endOffsets` maps `topic/partition` to the log-end offset. */
export function computeLag(
  committed: readonly CommittedOffset[],
  endOffsets: ReadonlyMap<string, bigint>,
): LagSample[] {
  const out: LagSample[] = [];
  for (const c of committed) {
    if (c.offset < 0n) continue; // -1: nothing committed for this partition
    const end = endOffsets.get(`${c.topic}/${c.partition}`);
    if (end === undefined) continue; // topic deleted since the commit
    const lag = end > c.offset ? end - c.offset : 0n; // a commit can race ahead of a stale end offset
    out.push({ group: c.group, topic: c.topic, partition: c.partition, committed: c.offset, end, lag });
  }
  return out;
}
