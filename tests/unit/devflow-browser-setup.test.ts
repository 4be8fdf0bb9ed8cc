// dev-setup's browser step without root: one line naming the apt command, setup goes on and
// nothing is installed; with a browser present it changes nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setupBrowser } from '../../tasks/config/browser-setup.ts';

const ctx = (lines: string[]) => ({
  log: (l: string) => lines.push(l),
  signal: new AbortController().signal,
});

test('not root and no chromium: one line with the apt command, no change, no throw', async () => {
  const lines: string[] = [];
  const [changed, detail] = await setupBrowser(ctx(lines), {
    env: { PATH: '/nonexistent', CHROMIUM_PATH: '/nonexistent/chromium' },
    uid: 1000,
  });
  assert.is(changed, false);
  assert.match(detail, /^chromium missing: .*install with: sudo apt-get install -y chromium$/);
  assert.equal(lines, [detail]);
});

test('a browser present: reported where it is, nothing changed', async () => {
  const lines: string[] = [];
  const [changed, detail] = await setupBrowser(ctx(lines), {
    env: { CHROMIUM_PATH: process.execPath },
    uid: 1000,
  });
  assert.is(changed, false);
  assert.is(detail, `chromium at ${process.execPath}`);
  assert.equal(lines, []);
});

test.run();
