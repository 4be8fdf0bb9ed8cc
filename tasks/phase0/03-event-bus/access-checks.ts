// 0-3.ac2 (access from within the cluster) and 0-3.ac9 (the guide explains the access patterns),
// as data. In-cluster access is shown by a service the platform runs consuming from the broker;
// natively that service is a host process on the one listener 0-3.ac3 proves, a named stand-in.
import '../../kafkajs-quiet.ts';
import kafkajs, { type Admin } from 'kafkajs';
import { orchestratorKafka, retryRetriable } from '../../topics.ts';
import { DEMO_TOPIC } from '../../targets/target.ts';
import { defineCheck, type DefinedCheck } from '../../../validation/lib/define-check.ts';
import { GUIDE, readPage } from '../../../validation/lib/docs.ts';

const PAGE = `${GUIDE}/event-bus.md`;

/** What the guide must say for each access pattern, and the text that shows it does. */
const PATTERNS: [string, RegExp][] = [
  ['the laptop address (external listener)', /127\.0\.0\.1:19092|localhost:19092/],
  ['the in-cluster address (internal listener)', /redpanda\.infra\.svc\.cluster\.local:9092/],
  ['the address inside Compose', /redpanda:9092/],
  ['keys and ordering per partition', /\bkey\b[^]*\bpartition/i],
  ['consumer groups', /consumer group/i],
  ['at-least-once delivery', /at-least-once/i],
  ['a producer example', /producer\.send\(/],
  ['a consumer example', /consumer\.run\(/],
];

const docs = defineCheck(
  { id: '0-3.docs', criteria: ['0-3.ac9'], title: 'The event-bus guide explains the Kafka access patterns', proof: 'static' },
  (_, ctx) => {
    const text = readPage(ctx.paths.root, PAGE);
    const missing = PATTERNS.filter(([, re]) => !re.test(text)).map(([what]) => what);
    return {
      measured: PATTERNS.length - missing.length,
      unit: 'patterns explained',
      threshold: `all ${PATTERNS.length}`,
      evidence: PAGE,
      problems: missing.length ? [`${PAGE} does not explain: ${missing.join(', ')}`] : [],
    };
  },
);

interface Consumer {
  groupId: string;
  clientId: string;
  clientHost: string;
  partitions: number[];
}

const { AssignerProtocol } = kafkajs;

/** How long a group may take to be Stable again with the topic's partitions (a rejoin after a restart). */
const REJOIN_MS = 30_000;

/** Members of Stable consumer groups that have partitions of `topic` assigned now. */
async function consumersOf(admin: Admin, topic: string): Promise<Consumer[]> {
  const ids = (await admin.listGroups()).groups.filter((g) => g.protocolType === 'consumer').map((g) => g.groupId);
  if (ids.length === 0) return [];
  const { groups } = await admin.describeGroups(ids);
  return groups
    .filter((g) => g.state === 'Stable')
    .flatMap((g) =>
      g.members.map((m) => ({
        groupId: g.groupId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        partitions: AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [],
      })),
    )
    .filter((m) => m.partitions.length > 0);
}

/**
 * The members holding `topic`, asked until some do within REJOIN_MS where the topic exists.
 * After a broker restart (the previous verify's durability check, `restart event-bus`) the demo's
 * consumer rejoins within seconds; a second verify run at once found its group rebalancing and
 * skipped. Meanwhile the coordinator may answer COORDINATOR_LOAD_IN_PROGRESS (retriable: asked
 * again); a broker that does not answer still fails. One deadline, one admin connection.
 */
async function rejoinedConsumers(bootstrap: string, topic: string): Promise<{ members: Consumer[]; waited: boolean }> {
  const admin = orchestratorKafka(bootstrap, 'example-app-verify').admin();
  await admin.connect();
  try {
    const until = Date.now() + REJOIN_MS;
    const ask = () =>
      retryRetriable(() => consumersOf(admin, topic), { timeoutMs: Math.max(0, until - Date.now()), delayMs: 500 });
    let members = await ask();
    const waited = members.length === 0 && (await admin.listTopics()).includes(topic);
    while (waited && members.length === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1_000));
      members = await ask();
    }
    return { members, waited };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * 0-3.ac2 by a service the platform runs: the demo service consumes its topic with the Kafka
 * address the target handed it (k3d: the in-cluster listener, from its pod; native: a host
 * process on the one listener), so its Stable consumer group with partitions assigned shows a
 * platform service reaching the broker. Natively there is no cluster: that is a stand-in, named.
 */
const internal = defineCheck(
  { id: '0-3.internal-access', criteria: ['0-3.ac2'], title: 'A service the platform runs reaches Kafka from inside the platform (its consumer group is Stable with partitions assigned)', needs: 'kafka', proof: 'live' },
  async (ep, ctx) => {
    const topic = ctx.env.DEMO_EVENTS_TOPIC ?? DEMO_TOPIC;
    const { members, waited } = await rejoinedConsumers(ep.url, topic);
    if (members.length === 0)
      return {
        skip: `no consumer group holds ${topic} partitions${waited ? ` (waited ${REJOIN_MS / 1000} s)` : ''}: the demo service (0-13) consumes it once the stack is up (node tasks.ts up); 0-3.ac3 proves access on ${ep.url}`,
      };
    const inCluster = !!ctx.target.components.cluster;
    return {
      measured: new Set(members.map((m) => m.groupId)).size,
      unit: 'consumer groups',
      evidence: members.map((m) => `group ${m.groupId}: ${m.clientId} from ${m.clientHost}, ${topic} partitions ${m.partitions.join(',')}`).join('; '),
      ...(inCluster
        ? {}
        : {
            proof: {
              proof: 'substitute' as const,
              substitute: {
                for: `${ep.substitute?.for ?? 'Kafka'} reached by a client inside the k3d cluster (redpanda.infra.svc.cluster.local:9092)`,
                by: `${ep.substitute?.by ?? 'the broker'}, reached by a service the ${ctx.target.name} target runs, at the address it hands its services (no cluster here)`,
              },
            },
          }),
    };
  },
);

export const ACCESS_CHECKS: readonly DefinedCheck[] = [internal, docs];
