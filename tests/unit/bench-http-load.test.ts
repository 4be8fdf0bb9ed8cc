// bench/http-load.ts without a server: flag validation (one line, before anything starts) and
// reading the JSON line its wrk script prints.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseLoadOptions, parseWrkResult } from '../../bench/http-load.ts';
import { createTarget } from '../../tasks/targets/index.ts';
import { sampleIds, statTimes } from '../../bench/http/wrk.ts';
import { cpuPer1000 } from '../../bench/http/observed.ts';

test('defaults: the issue figure setup, default client, native broker', async () => {
  const o = parseLoadOptions([], (await createTarget('native', { KAFKA_PORT: '19492' })).endpoints());
  assert.equal(
    {
      client: o.client,
      threads: o.threads,
      connections: o.connections,
      durationS: o.durationS,
      bootstrap: o.bootstrap,
      rows: o.rows,
    },
    {
      client: 'platformatic',
      threads: 2,
      connections: 32,
      durationS: 20,
      bootstrap: '127.0.0.1:19492',
      rows: ['platform', 'detached'],
    },
  );
});

test('bad flags are one line each, naming the flag', async () => {
  const ep = (await createTarget('native', {})).endpoints();
  const bad: [string[], RegExp][] = [
    [['--client', 'rdkafka'], /--client must be one of platformatic, kafkajs/],
    [['--duration', '0'], /--duration must be a whole number/],
    [['--connections', '1', '--threads', '2'], /--connections \(1\) must be at least --threads/],
    [['--bootstrap', '10.0.0.5:9092'], /loopback/],
    [['--nope'], /Unknown option/],
    [['--rows', 'platform,k3d'], /--rows takes platform, observed, detached/],
    [['--sample', 'x'], /--sample must be a whole number from 0/],
  ];
  for (const [argv, re] of bad) {
    assert.throws(
      () => parseLoadOptions(argv, ep),
      (e: Error) => e.name === 'UsageError' && re.test(e.message) && !e.message.includes('\n'),
    );
  }
});

test('the wrk script result line is read back; other output is ignored', () => {
  const out =
    'Running 20s test @ http://127.0.0.1:1/events\nRESULT {"requests":10,"durationUs":1000000,"created":9,"status503":1,"status413":0,"otherStatus":0,"connectErrors":0,"readErrors":0,"writeErrors":0,"timeouts":0,"p50":900,"p90":1500,"p99":2000,"p999":2100,"max":2200,"mean":1000.5}\n';
  const r = parseWrkResult(out);
  assert.is(r?.created, 9);
  assert.is(r?.status503, 1);
  assert.is(r?.p99, 2000);
  assert.is(parseWrkResult('no result here'), undefined);
});

test('trace ids kept by the wrk script: only well-formed ids, spread evenly over the run', () => {
  const ids = Array.from({ length: 10 }, (_, i) => i.toString(16).padStart(32, '0'));
  const r = { ids: [...ids, 'not-an-id', ''].join(',') };
  assert.equal(sampleIds(r, 20), ids);
  assert.equal(sampleIds(r, 2), [ids[0], ids[5]]);
  assert.equal(sampleIds({}, 5), []);
});

test('CPU seconds from /proc/<pid>/stat: a command with spaces and parentheses does not shift the fields', () => {
  // Fields 14-17: utime stime cutime cstime (clock ticks).
  const stat = '42 (my (odd) proc) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 700 300 20 0 1 0 5 0 0';
  assert.equal(statTimes(stat), { self: 3, children: 10 });
});

test('CPU per 1,000 requests counts only processes with the same pid before and after', () => {
  const before = { pids: { a: 1, b: 2 }, seconds: { a: 10, b: 5 } };
  const after = { pids: { a: 1, b: 3 }, seconds: { a: 12, b: 1 } };
  assert.equal(cpuPer1000(before, after, 4000), { a: 0.5 });
});

test.run();
