// The real-browser harness the console tests stand on: Debian's chromium, headless through
// playwright-core, against a page this test serves on a free port. The page draws its text and a
// canvas from script, so the assertions hold only when the browser really ran it; the screenshot
// is a PNG of the viewport's width under .platform/screenshots/.
import fsp from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromiumPath, noBrowserReason, SCREENSHOT_DIR } from '../../validation/lib/browser.ts';
import { onPage, withBrowser } from '../support/browser.ts';

const PAGE = `<!doctype html><title>harness</title><body>
<p id="out">not run</p><canvas id="c" width="200" height="100"></canvas>
<script>
  document.getElementById('out').textContent = 'drawn by script ' + (6 * 7);
  const g = document.getElementById('c').getContext('2d');
  g.fillStyle = 'rgb(200, 30, 40)'; g.fillRect(0, 0, 200, 100);
</script></body>`;

test('chromium runs a page from a local server: script output, canvas pixels, a PNG screenshot', async () => {
  assert.ok(chromiumPath(), noBrowserReason());
  const server = http.createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const name = 'harness-selftest';
  try {
    const { text, pixel } = await withBrowser((b) =>
      onPage(b, `http://127.0.0.1:${port}/`, name, async (page) => ({
        text: await page.locator('#out').textContent(),
        pixel: await page.evaluate(() =>
          Array.from(
            (document.getElementById('c') as HTMLCanvasElement).getContext('2d')!.getImageData(10, 10, 1, 1)
              .data,
          ),
        ),
      })),
    );
    assert.is(text, 'drawn by script 42');
    assert.equal(pixel, [200, 30, 40, 255]);
    const png = await fsp.readFile(path.join(SCREENSHOT_DIR, `${name}.png`));
    assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.is(png.readUInt32BE(16), 1440, 'IHDR width is the viewport width');
  } finally {
    server.close();
    await fsp.rm(path.join(SCREENSHOT_DIR, `${name}.png`), { force: true });
  }
});

test('no browser: one line naming what is missing and what to run', () => {
  assert.match(
    noBrowserReason({ PATH: '/nonexistent', CHROMIUM_PATH: '/nonexistent/chromium' }) ?? '',
    /^CHROMIUM_PATH=\/nonexistent\/chromium does not exist; /,
  );
  assert.is(chromiumPath({ CHROMIUM_PATH: '/nonexistent/chromium' }), undefined);
  assert.is(chromiumPath({ CHROMIUM_PATH: process.execPath }), process.execPath);
});

test.run();
