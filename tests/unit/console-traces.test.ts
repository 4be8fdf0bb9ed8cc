// The Traces page's data layer (tasks/console/web/traces): Jaeger's JSON as a waterfall and
// search summaries, and the URLs it asks the console's server and vmui for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  formatDuration,
  summarize,
  ticks,
  toWaterfall,
  type JaegerTrace,
} from '../../tasks/console/web/traces/model.ts';
import {
  parseLogLines,
  searchUrl,
  searchWindow,
  traceLogWindow,
  traceLogsUrl,
  vmuiUrl,
} from '../../tasks/console/web/traces/queries.ts';

const T = 'd5fa07652a11e7bc5151bd5d5a34d042';
const ref = (spanID: string) => [{ refType: 'CHILD_OF', traceID: T, spanID }];
const kind = (k: string) => ({ key: 'span.kind', type: 'string', value: k });
// The demo's request as Jaeger answers it (shape of a real /api/traces/<id>), spans out of order,
// plus a span from a second process whose parent never arrived.
const trace: JaegerTrace = {
  traceID: T,
  processes: {
    p1: { serviceName: 'demo-service', tags: [{ key: 'host.name', value: 'h1' }] },
    p2: { serviceName: 'worker' },
  },
  spans: [
    {
      traceID: T,
      spanID: 'c',
      operationName: 'process demo.events',
      references: ref('b'),
      startTime: 1_000_812_000,
      duration: 521,
      tags: [kind('consumer')],
      processID: 'p1',
      logs: [
        {
          timestamp: 1_000_812_100,
          fields: [
            { key: 'event', value: 'sse.push' },
            { key: 'clients', value: 2 },
          ],
        },
      ],
    },
    {
      traceID: T,
      spanID: 'a',
      operationName: 'POST /events',
      references: [],
      startTime: 1_000_000_000,
      duration: 696_228,
      tags: [kind('server'), { key: 'http.response.status_code', type: 'int64', value: 201 }],
      processID: 'p1',
    },
    {
      traceID: T,
      spanID: 'b',
      operationName: 'send demo.events',
      references: ref('a'),
      startTime: 1_000_014_000,
      duration: 680_815,
      tags: [kind('producer')],
      processID: 'p1',
    },
    {
      traceID: T,
      spanID: 'x',
      operationName: 'orphan',
      references: ref('missing'),
      startTime: 1_000_900_000,
      duration: 10,
      tags: [{ key: 'otel.status_code', value: 'ERROR' }],
      processID: 'p2',
    },
  ],
};

test('waterfall: parents before children in start order, depth, offsets, kinds, events, errors, orphans at the top', () => {
  const w = toWaterfall(trace);
  assert.equal(
    w.rows.map((r) => [r.spanId, r.depth]),
    [
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['x', 0],
    ],
  );
  assert.is(w.startUs, 1_000_000_000);
  assert.is(w.durationUs, 900_010);
  assert.equal(w.services, ['demo-service', 'worker']);
  const [a, b, c, x] = w.rows;
  assert.is(a!.kind, 'server');
  assert.equal(
    a!.attributes,
    [['http.response.status_code', '201']],
    'span.kind is shown as the kind, not an attribute',
  );
  assert.equal(a!.resource, [['host.name', 'h1']]);
  assert.is(b!.offsetUs, 14_000);
  assert.is(b!.parentId, 'a');
  assert.equal(c!.events, [{ offsetUs: 812_100, name: 'sse.push', attributes: [['clients', '2']] }]);
  assert.ok(a!.hasChildren && !c!.hasChildren);
  assert.ok(x!.error && !a!.error);
  assert.is(x!.service, 'worker');
});

test('waterfall: a reference cycle is drawn once, not walked forever', () => {
  const cyc: JaegerTrace = {
    traceID: T,
    processes: {},
    spans: [
      {
        traceID: T,
        spanID: '1',
        operationName: 'one',
        references: ref('2'),
        startTime: 1,
        duration: 1,
        processID: 'p',
      },
      {
        traceID: T,
        spanID: '2',
        operationName: 'two',
        references: ref('1'),
        startTime: 2,
        duration: 1,
        processID: 'p',
      },
    ],
  };
  assert.equal(
    toWaterfall(cyc)
      .rows.map((r) => r.spanId)
      .sort(),
    ['1', '2'],
  );
});

test('summary: the root span names the trace; span count per service; errors counted', () => {
  const s = summarize(trace);
  assert.is(`${s.rootService}: ${s.rootOperation}`, 'demo-service: POST /events');
  assert.equal(s.services, [
    ['demo-service', 3],
    ['worker', 1],
  ]);
  assert.is(s.spans, 4);
  assert.is(s.errors, 1);
});

test('durations and time axis ticks read well', () => {
  assert.equal(
    [formatDuration(521), formatDuration(696_228), formatDuration(1_234_567)],
    ['521 µs', '696 ms', '1.23 s'],
  );
  assert.equal(ticks(900_010), [0, 200_000, 400_000, 600_000, 800_000]);
  assert.equal(ticks(0), [0]);
});

test('search: Jaeger wants µs; a relative window ends now; a custom window is checked', () => {
  const form = { service: 'demo-service', operation: 'POST /events', lookback: '1h', limit: 20 };
  const w = searchWindow(form, 7_200_000);
  assert.equal(w, { startMs: 3_600_000, endMs: 7_200_000 });
  assert.is(
    searchUrl(form, w as { startMs: number; endMs: number }),
    '/api/jaeger/traces?service=demo-service&start=3600000000&end=7200000000&limit=20&operation=POST+%2Fevents',
  );
  assert.equal(searchWindow({ ...form, lookback: 'custom', from: '' }, 0), {
    error: 'choose the start of the custom range',
  });
  assert.equal(
    searchWindow({ ...form, lookback: 'custom', from: '2026-12-04T18:00', to: '2026-12-04T17:00' }, 0),
    {
      error: 'the custom range ends before it starts',
    },
  );
  assert.equal(searchWindow({ ...form, lookback: '3w' }, 0), { error: 'unknown time range 3w' });
});

test('logs: one LogsQL query by trace id over the trace ± 5 min, and the same in vmui', () => {
  const win = traceLogWindow(Date.parse('2026-12-04T18:06:46.108Z') * 1000, 813_000);
  const url = new URL(traceLogsUrl(T, win), 'http://console');
  assert.is(url.pathname, '/api/logsql/query');
  assert.is(url.searchParams.get('query'), `trace_id:"${T}" | sort by (_time)`);
  assert.is(url.searchParams.get('start'), '2026-12-04T18:01:46.108Z');
  assert.is(url.searchParams.get('end'), '2026-12-04T18:11:46.921Z');
  const vm = vmuiUrl('http://127.0.0.1:9428/select/vmui/', `trace_id:"${T}"`, win);
  const [base, hash] = vm.split('#/?');
  assert.is(base, 'http://127.0.0.1:9428/select/vmui/');
  const q = new URLSearchParams(hash);
  assert.is(q.get('query'), `trace_id:"${T}"`);
  assert.is(q.get('g0.end_input'), '2026-12-04T18:11:46.921Z');
  assert.is(q.get('g0.range_input'), '11m');
  assert.is(q.get('g0.relative_time'), 'none');
  const svc = new URLSearchParams(
    vmuiUrl('http://h/select/vmui', '{service="demo-service"}', { lookback: '1h' }).split('#/?')[1],
  );
  assert.equal([svc.get('query'), svc.get('g0.relative_time')], ['{service="demo-service"}', 'last_1_hour']);
});

test('log lines: VictoriaLogs JSON lines as time, level, service, span, trace, message and the other fields', () => {
  const body =
    '{"_msg":"event produced","_stream":"{service=\\"demo-service\\"}","_stream_id":"01","_time":"2026-12-04T18:06:46.803Z","level":"INFO","service":"demo-service","span_id":"4683b92a21dead67","trace_id":"' +
    T +
    '","topic":"demo.events"}\n\n';
  assert.equal(parseLogLines(body), [
    {
      time: '2026-12-04T18:06:46.803Z',
      level: 'INFO',
      service: 'demo-service',
      spanId: '4683b92a21dead67',
      traceId: T,
      message: 'event produced',
      fields: [['topic', 'demo.events']],
    },
  ]);
});

test.run();
