// perVerify: the first check of a verify makes the shared work, the others of that verify get
// the same result, a new verify (a new context) makes it again, and peek never makes it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PlatformContext } from '../../tasks/context.ts';
import { perVerify } from '../../validation/lib/per-verify.ts';

const context = () => ({}) as PlatformContext;

test('made once per context, with the first call arguments; peek does not make it', async () => {
  const made: string[] = [];
  const trip = perVerify((_: PlatformContext, url: string) => {
    made.push(url);
    return Promise.resolve(`trip to ${url}`);
  });
  const a = context();
  const b = context();
  assert.is(trip.peek(a), undefined);
  const [x, y] = await Promise.all([trip(a, 'http://one'), trip(a, 'http://two')]);
  assert.is(x, 'trip to http://one');
  assert.is(y, 'trip to http://one');
  assert.is(await trip(b, 'http://three'), 'trip to http://three');
  assert.equal(made, ['http://one', 'http://three']);
  assert.is(await trip.peek(a), 'trip to http://one');
});

test('a failed make is shared too: every check of that verify sees the same failure', async () => {
  let calls = 0;
  const failing = perVerify(async () => {
    calls++;
    throw new Error('demo down');
  });
  const ctx = context();
  const results = await Promise.allSettled([failing(ctx), failing(ctx)]);
  assert.equal(
    results.map((r) => r.status),
    ['rejected', 'rejected'],
  );
  assert.is(calls, 1);
});

test.run();
