// The native target lists its components without loading them (lazyComponent); callers ask
// `if (c.rows)` before calling, so each declaration must offer exactly what the loaded component
// provides: a method declared but missing would throw, one missing from the list would vanish.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTarget } from '../../tasks/targets/index.ts';

const METHODS = [
  'install',
  'status',
  'up',
  'down',
  'rows',
  'plan',
  'facts',
  'checks',
  'identity',
  'restartProcess',
] as const;
const offered = (c: object) => METHODS.filter((m) => typeof (c as Record<string, unknown>)[m] === 'function');

test('each native component declares exactly the methods its module provides', async () => {
  const native = await createTarget('native', {});
  for (const [id, c] of Object.entries(native.components)) {
    const load = (c as { load?: () => Promise<object> }).load;
    assert.ok(load, `${id} is not lazy`);
    const real = await load();
    assert.equal(offered(c!), offered(real), `${id}: declared vs loaded`);
    assert.equal(c!.restartsAlone, (real as typeof c).restartsAlone, `${id}: processes that restart alone`);
  }
});

test.run();
