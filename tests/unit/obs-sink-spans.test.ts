// The development trace sink's decoding and storage without a server: protobuf bytes built from
// the OTLP messages decode to records, invalid ids are rejected, lookup and retention work on files;
// plus the Tempo JSON reader and the duration parser the verify checks use.
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ExportTraceServiceRequest,
  type PbExportRequest,
} from '../../tasks/targets/native/trace-sink/otlp-proto.ts';
import {
  findTrace,
  invalidSpan,
  SpanStore,
  spanFileFor,
  toRecords,
} from '../../tasks/targets/native/trace-sink/spans.ts';
import { hoursOf } from '../../tasks/phase0/05-logs/checks.ts';
import { idToHex, spansFromTempo, structureProblems, type SentTrace } from '../../tasks/phase0/06-traces/checks.ts';

const TRACE = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
const ROOT = Buffer.from('b7ad6b7169203331', 'hex');
const CHILD = Buffer.from('00f067aa0ba902b7', 'hex');

function roundTrip(obj: Record<string, unknown>): PbExportRequest {
  const bytes = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(obj)).finish();
  return ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
    longs: String,
  }) as PbExportRequest;
}

test('encoded OTLP request → records: hex ids, parent, kind/status names, every attribute type, times', () => {
  const req = roundTrip({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
        scopeSpans: [
          {
            scope: { name: 'lib', version: '1.2.3' },
            spans: [
              {
                traceId: TRACE,
                spanId: ROOT,
                name: 'root',
                kind: 2,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000002500000',
              },
              {
                traceId: TRACE,
                spanId: CHILD,
                parentSpanId: ROOT,
                name: 'child',
                kind: 4,
                status: { code: 2, message: 'broken' },
                attributes: [
                  { key: 's', value: { stringValue: 'x' } },
                  { key: 'b', value: { boolValue: true } },
                  { key: 'i', value: { intValue: 42 } },
                  { key: 'big', value: { intValue: '9007199254740993' } },
                  { key: 'd', value: { doubleValue: 1.5 } },
                  { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 1 }] } } },
                  {
                    key: 'kv',
                    value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } },
                  },
                  { key: 'bytes', value: { bytesValue: Buffer.from('hi') } },
                ],
                events: [
                  {
                    name: 'exception',
                    timeUnixNano: '1700000000001000000',
                    attributes: [{ key: 'exception.message', value: { stringValue: 'e' } }],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  const { records, rejected } = toRecords(req, new Date('2026-01-02T03:04:05Z'));
  assert.equal(rejected, []);
  const [root, child] = records;
  assert.is(root?.traceId, TRACE.toString('hex'));
  assert.is(root?.parentSpanId, undefined);
  assert.is(root?.kind, 'SERVER');
  assert.is(root?.durationMs, 2.5);
  assert.is(root?.startTimeUnixNano, '1700000000000000000');
  assert.is(root?.service, 'orders');
  assert.equal(root?.scope, { name: 'lib', version: '1.2.3' });
  assert.is(child?.parentSpanId, ROOT.toString('hex'));
  assert.is(child?.kind, 'PRODUCER');
  assert.equal(child?.status, { code: 'ERROR', message: 'broken' });
  assert.equal(child?.attributes, {
    s: 'x',
    b: true,
    i: 42,
    big: '9007199254740993',
    d: 1.5,
    arr: ['a', 1],
    kv: { k: 'v' },
    bytes: Buffer.from('hi').toString('base64'),
  });
  assert.is(child?.events?.[0]?.name, 'exception');
  assert.is(child?.receivedAt, '2026-01-02T03:04:05.000Z');
});

test('invalid ids are rejected with the reason, valid spans of the same request kept', () => {
  assert.match(
    invalidSpan({ traceId: Buffer.alloc(8, 1), spanId: CHILD, name: 'a' }) ?? '',
    /trace_id must be 16/,
  );
  assert.match(invalidSpan({ traceId: Buffer.alloc(16), spanId: CHILD, name: 'a' }) ?? '', /non-zero/);
  assert.match(
    invalidSpan({ traceId: TRACE, spanId: Buffer.alloc(7, 1), name: 'a' }) ?? '',
    /span_id must be 8/,
  );
  assert.match(
    invalidSpan({ traceId: TRACE, spanId: CHILD, parentSpanId: Buffer.alloc(3, 1), name: 'a' }) ?? '',
    /parent_span_id/,
  );
  assert.is(
    invalidSpan({ traceId: TRACE, spanId: CHILD, parentSpanId: Buffer.alloc(0), name: 'a' }),
    undefined,
  );
  const { records, rejected } = toRecords(
    roundTrip({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: TRACE, spanId: CHILD, name: 'ok' },
                { traceId: TRACE, spanId: Buffer.alloc(8), name: 'bad' },
              ],
            },
          ],
        },
      ],
    }),
  );
  assert.equal(
    records.map((r) => r.name),
    ['ok'],
  );
  assert.is(records[0]?.service, 'unknown_service');
  assert.is(rejected.length, 1);
});

test('store appends JSON lines, lookup finds a trace across day files, prune honours retention', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'obs-store-'));
  try {
    const store = new SpanStore(dir);
    const mk = (traceHex: string, name: string) =>
      toRecords(
        roundTrip({
          resourceSpans: [
            { scopeSpans: [{ spans: [{ traceId: Buffer.from(traceHex, 'hex'), spanId: CHILD, name }] }] },
          ],
        }),
      ).records;
    const other = 'ffffffffffffffffffffffffffffffff';
    await Promise.all([
      store.append(mk(TRACE.toString('hex'), 'a')),
      store.append(mk(other, 'b')),
      store.append(mk(TRACE.toString('hex'), 'c')),
    ]);
    // An old day file holding one more span of the trace, and a torn last line.
    const old = spanFileFor(dir, new Date(Date.now() - 10 * 86_400_000));
    await fsp.writeFile(
      old,
      JSON.stringify({ ...mk(TRACE.toString('hex'), 'old')[0] }) +
        '\n{"traceId":"0af7651916cd43dd8448eb211c80319c","na',
    );
    const found = await findTrace(dir, TRACE.toString('hex').toUpperCase());
    assert.equal(found.map((s) => s.name).sort(), ['a', 'c', 'old']);
    assert.equal(
      (await findTrace(dir, other)).map((s) => s.name),
      ['b'],
    );
    assert.equal(await findTrace(dir, '1'.repeat(32)), []);
    const err = await findTrace(dir, 'xyz').then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(err?.message ?? '', /32 hex/);
    const removed = await store.prune(7);
    assert.equal(removed, [path.basename(old)]);
    assert.equal((await findTrace(dir, TRACE.toString('hex'))).map((s) => s.name).sort(), ['a', 'c']);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('Tempo trace JSON (v1 batches with base64 ids, v2 trace.resourceSpans with hex ids) flattens to spans', () => {
  const b64 = (b: Buffer) => b.toString('base64');
  const v1 = {
    batches: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gw' } }] },
        scopeSpans: [
          {
            spans: [
              { traceId: b64(TRACE), spanId: b64(ROOT), name: 'root' },
              { traceId: b64(TRACE), spanId: b64(CHILD), parentSpanId: b64(ROOT), name: 'child' },
            ],
          },
        ],
      },
    ],
  };
  const v2 = {
    trace: {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE.toString('hex'),
                  spanId: CHILD.toString('hex'),
                  parentSpanId: '',
                  name: 'x',
                },
              ],
            },
          ],
        },
      ],
    },
  };
  const a = spansFromTempo(v1);
  assert.equal(a[1], {
    traceId: TRACE.toString('hex'),
    spanId: CHILD.toString('hex'),
    parentSpanId: ROOT.toString('hex'),
    name: 'child',
    service: 'gw',
  });
  assert.is(a[0]?.parentSpanId, undefined);
  const b = spansFromTempo(v2);
  assert.equal(b, [
    { traceId: TRACE.toString('hex'), spanId: CHILD.toString('hex'), name: 'x', service: 'unknown_service' },
  ]);
  assert.is(idToHex('AAAAAAAAAAA='), undefined, 'all-zero parent means none');
});

test('structureProblems names a wrong service, a wrong parent and a missing span', () => {
  const sent: SentTrace = {
    traceId: 't',
    logLines: [],
    expected: new Map([
      ['root', { service: 'gw', spanId: 'r' }],
      ['child', { service: 'gw', parent: 'root', spanId: 'c' }],
      ['consumer', { service: 'wk', parent: 'child', spanId: '' }],
    ]),
  };
  const good = [
    { traceId: 't', spanId: 'r', name: 'root', service: 'gw' },
    { traceId: 't', spanId: 'c', parentSpanId: 'r', name: 'child', service: 'gw' },
    { traceId: 't', spanId: 'k', parentSpanId: 'c', name: 'consumer', service: 'wk' },
  ];
  assert.equal(structureProblems(sent, good), []);
  const bad = [
    { traceId: 't', spanId: 'r', name: 'root', service: 'gw' },
    { traceId: 't', spanId: 'c', parentSpanId: 'zz', name: 'child', service: 'other' },
  ];
  assert.equal(structureProblems(sent, bad), [
    "'child' service.name other (want gw)",
    "'child' parent is not 'root'",
    "span 'consumer' missing",
  ]);
});

test('hoursOf reads Go/Loki durations', () => {
  assert.is(hoursOf('720h'), 720);
  assert.is(hoursOf('30d'), 720);
  assert.is(hoursOf('1w'), 168);
  assert.is(hoursOf('1h30m'), 1.5);
  assert.is(hoursOf('30 days'), undefined);
  assert.is(hoursOf(undefined), undefined);
});

test.run();
