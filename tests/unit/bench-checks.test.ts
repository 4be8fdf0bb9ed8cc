// kafkaBenchChecks on a target without a Kafka endpoint: both REQ-0.2 checks are skips that
// carry the target's reason (never a silent pass), and no bench runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import { nativeEndpoints } from '../../tasks/targets/native/index.ts';
import { unavailable } from '../../tasks/targets/target.ts';
import { kafkaBenchChecks } from '../../validation/lib/kafka-bench-checks.ts';

function ctxWithoutKafka(reason: string): PlatformContext {
  return {
    signal: new AbortController().signal,
    log: () => undefined,
    logFile: '/dev/null',
    paths: resolvePaths(),
    env: {},
    target: {
      name: 'native',
      describe: 'test target without Kafka',
      endpoints: () => ({ ...nativeEndpoints({}), kafka: unavailable(reason) }),
      components: {},
      tools: [],
    },
  };
}

for (const task of ['0-3', '0-13'] as const) {
  test(`${task}: no Kafka endpoint → two REQ-0.2 skips with the reason`, async () => {
    const r = await kafkaBenchChecks(ctxWithoutKafka('Kafka is not provided here'), { task });
    assert.is(r.checks.length, 2);
    assert.equal(
      r.checks.map((c) => c.id),
      [`${task}.kafka-throughput`, `${task}.kafka-latency-p95`],
    );
    for (const c of r.checks) {
      assert.is(c.status, 'skip');
      assert.is(c.reason, 'Kafka is not provided here');
      assert.is(c.requirement, 'REQ-0.2');
      assert.is(c.task, task);
    }
    assert.equal(r.checks[0]!.criteria, task === '0-3' ? ['0-3.ac4'] : ['0-13.ac9']);
    assert.equal(r.checks[1]!.criteria, task === '0-3' ? ['0-3.ac5'] : ['0-13.ac9']);
    assert.is(r.svg, undefined);
    assert.equal(r.files, []);
  });
}

test.run();
