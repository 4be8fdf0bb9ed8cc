// The pieces of `logs` and `restart` that need no running process: --since parsing, the time of
// a line in each format the platform's processes write, the merge, the tail of a real file read
// from its end, the kubectl / docker compose lines, and which components follow a restart.
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../tasks/engine/task.ts';
import { keep, mergeByTime, parseSince, prefixer, stampLines, timeOf } from '../../tasks/cli/log-lines.ts';
import { tailFile } from '../../tasks/cli/log-files.ts';
import { dependantsOf } from '../../tasks/cli/commands/restart.ts';
import { buildGraph } from '../../tasks/engine/graph.ts';
import { phase0 } from '../../tasks/phase0/index.ts';
import { composeLogsCmd, composeRestartCmds } from '../../tasks/targets/compose/index.ts';
import { k3dLogsCmd, k3dRestartCmds, WORKLOADS } from '../../tasks/targets/k3d/workloads.ts';
import { formatCmd } from '../../tasks/targets/docker/exec.ts';

const NOW = Date.parse('2026-12-04T18:00:00.000Z');

test('--since: durations back from now and RFC 3339 times; anything else is a usage error', () => {
  assert.is(parseSince('10m', NOW), NOW - 600_000);
  assert.is(parseSince('1h30m', NOW), NOW - 5_400_000);
  assert.is(parseSince('90s', NOW), NOW - 90_000);
  assert.is(parseSince('2026-12-04T17:00:00Z', NOW), NOW - 3_600_000);
  for (const bad of ['abc', '10', '-5m', '10 minutes', '2026-13-45T99:00:00Z', ''])
    assert.throws(
      () => parseSince(bad, NOW),
      (e: unknown) => e instanceof UsageError,
      bad,
    );
});

test('the time of a line: pino/Kafka timestamp, Go ts, epoch ms and s, a leading stamp; none for plain text', () => {
  assert.is(
    timeOf('{"timestamp":"2026-12-04T18:00:08.279Z","msg":"x"}'),
    Date.parse('2026-12-04T18:00:08.279Z'),
  );
  assert.is(
    timeOf('{"ts":"2026-12-04T18:00:05.931Z","level":"info"}'),
    Date.parse('2026-12-04T18:00:05.931Z'),
  );
  assert.is(timeOf('{"level":30,"time":1796400000123}'), 1796400000123);
  assert.is(timeOf('{"ts":1796400000.5}'), 1796400000500);
  assert.is(timeOf('2026-12-04T18:00:01.123456789Z {"a":1}'), Date.parse('2026-12-04T18:00:01.123Z'));
  assert.is(timeOf('{"level":"info","msg":"kafka lag exporter listening"}'), undefined);
  assert.is(timeOf('\tat org.apache.kafka.Foo(Foo.java:12)'), undefined);
});

test('an undated line takes the time of the line above it; --since drops undated lines, --grep is a substring', () => {
  const lines = stampLines('kafka', [
    'no time yet',
    '{"ts":"2026-12-04T18:00:00Z","msg":"boom"}',
    '\tat Foo.bar',
  ]);
  assert.equal(
    lines.map((l) => l.time),
    [undefined, NOW, NOW],
  );
  assert.equal(
    lines.filter((l) => keep(l, { sinceMs: NOW })).map((l) => l.text),
    ['{"ts":"2026-12-04T18:00:00Z","msg":"boom"}', '\tat Foo.bar'],
  );
  assert.equal(lines.filter((l) => keep(l, { grep: 'boom' })).length, 1);
});

test('merge: time order across sources, stable within one, undated first; the prefix pads names', () => {
  const a = stampLines('a', ['{"ts":"2026-12-04T18:00:02Z"}', '{"ts":"2026-12-04T18:00:04Z"}']);
  const b = stampLines('bb', ['undated', '{"ts":"2026-12-04T18:00:03Z"}', '{"ts":"2026-12-04T18:00:04Z"}']);
  const merged = mergeByTime([a, b]);
  assert.equal(
    merged.map((l) => `${l.name}:${l.time === undefined ? '-' : (l.time - NOW) / 1000}`),
    ['bb:-', 'a:2', 'bb:3', 'a:4', 'bb:4'],
  );
  assert.is(prefixer(['a', 'bb'], false)(merged[1]!), 'a  | {"ts":"2026-12-04T18:00:02Z"}');
});

test('tailFile reads the last lines of a file larger than its chunk from the end, filtered', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tail-'));
  try {
    const file = path.join(dir, 'x.log');
    const lines = Array.from({ length: 5_000 }, (_, i) =>
      JSON.stringify({ ts: new Date(NOW + i * 1000).toISOString(), n: i, pad: 'x'.repeat(40) }),
    );
    await fsp.writeFile(file, lines.join('\n') + '\n');
    const last = await tailFile('x', file, 100, {});
    assert.is(last.lines.length, 100);
    assert.is(JSON.parse(last.lines[0]!.text).n, 4_900);
    assert.is(JSON.parse(last.lines[99]!.text).n, 4_999);
    assert.is(last.end, (await fsp.stat(file)).size);
    // "n":12 is in 12, 120–129 and 1200–1299: the last three are 1297–1299.
    const grep = await tailFile('x', file, 3, { grep: '"n":12' });
    assert.equal(
      grep.lines.map((l) => JSON.parse(l.text).n),
      [1297, 1298, 1299],
    );
    const since = await tailFile('x', file, 1_000, { sinceMs: NOW + 4_990_000 });
    assert.equal(
      since.lines.map((l) => JSON.parse(l.text).n),
      [4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999],
    );
    assert.equal((await tailFile('x', path.join(dir, 'missing.log'), 10, {})).lines, []);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('k3d and compose: the kubectl and docker compose lines logs and restart run', () => {
  const q = { tail: 50, sinceMs: NOW, follow: true };
  assert.is(
    formatCmd(k3dLogsCmd(WORKLOADS.demo![0]!, q)),
    'kubectl --context k3d-example-app --namespace services logs deployment/demo-service --all-containers --timestamps --prefix=false --tail=50 --since-time=2026-12-04T18:00:00.000Z --follow',
  );
  // A selector without --tail would keep 10 lines: a --grep run asks for every line.
  assert.match(
    formatCmd(k3dLogsCmd(WORKLOADS.logs![0]!, { follow: false })),
    /--selector app.kubernetes.io\/instance=loki .*--tail=-1$/,
  );
  assert.equal(k3dRestartCmds(WORKLOADS['event-bus']![0]!).map(formatCmd), [
    'kubectl --context k3d-example-app --namespace infra rollout restart statefulset/redpanda',
    'kubectl --context k3d-example-app --namespace infra rollout status statefulset/redpanda --timeout=300s',
  ]);
  assert.match(
    formatCmd(composeLogsCmd('demo', 'demo', q)),
    /docker-compose\.yml logs --timestamps --no-log-prefix --no-color --tail 50 --since 2026-12-04T18:00:00.000Z --follow demo$/,
  );
  const infra =
    'docker compose --env-file manifests/compose/.env.docker --file manifests/compose/docker-compose.infra.yml';
  assert.equal(composeRestartCmds('event-bus').map(formatCmd), [
    `${infra} restart redpanda kafka-exporter`,
    `${infra} up --detach --wait --wait-timeout 180 --no-deps redpanda kafka-exporter`,
  ]);
  assert.equal(composeRestartCmds('compose-stack'), [], 'the stack as a whole has no service of its own');
});

test('each native component that declares its processes declares exactly the names of its status rows', async () => {
  const { nativeTarget } = await import('../../tasks/targets/native/index.ts');
  const { resolvePaths } = await import('../../tasks/paths.ts');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'procs-'));
  try {
    // Nothing runs in an empty PLATFORM_DIR: every row is a stopped one, which probes nothing.
    const env = { PLATFORM_DIR: dir };
    const target = nativeTarget(env);
    const ctx = {
      signal: new AbortController().signal,
      log: () => undefined,
      logFile: path.join(dir, 'x.log'),
      target,
      paths: resolvePaths({ ...process.env, ...env }),
      env,
    };
    for (const [id, c] of Object.entries(target.components)) {
      if (!c?.processes) continue;
      assert.equal(
        [...c.processes],
        (await c.rows!(ctx)).map((r) => r.name),
        id,
      );
      assert.equal(
        (await c.logs!(ctx, { follow: false })).map((x) => x.name),
        [...c.processes],
      );
    }
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('restart: the components whose nodes need the restarted one follow it, in graph order', () => {
  const g = buildGraph(phase0);
  assert.equal(dependantsOf({ graph: g }, ['demo']), []);
  assert.equal(dependantsOf({ graph: g }, ['traces']), ['demo']);
  assert.equal(dependantsOf({ graph: g }, ['event-bus']), ['metrics', 'logs', 'traces', 'demo']);
});

test.run();
