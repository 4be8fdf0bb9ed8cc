// 0-3.ac2 (access from within the cluster) and 0-3.ac9 (the guide explains the access patterns),
// as data. In-cluster access has a cluster to be measured in only on k3d and compose; natively
// every client is a host process on the one listener that 0-3.ac3 proves, so the check says so.
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

const internal = defineCheck(
  { id: '0-3.internal-access', criteria: ['0-3.ac2'], title: 'Kafka answers from within the cluster', needs: 'kafka', proof: 'live' },
  (_, ctx) => ({
    skip: ctx.target.components.cluster
      ? `no in-cluster client check on the ${ctx.target.name} target yet: it would produce and consume from a pod on redpanda.infra.svc.cluster.local:9092 (not runnable without Docker here)`
      : `the ${ctx.target.name} target runs no cluster: every client is a host process on the one listener 0-3.ac3 proves (127.0.0.1:KAFKA_PORT); in-cluster access exists on k3d and compose only`,
  }),
);

export const ACCESS_CHECKS: readonly DefinedCheck[] = [internal, docs];
