// bench/http/wrk.ts against a real HTTP server on a free port (no stack needed): the Lua script
// counts answers by status, keeps trace ids from 201 bodies, and a run capped by request count is
// timed by its own answers (wrk itself reports the whole -d, which would understate the rate).
import http from 'node:http';
import { once } from 'node:events';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runWrk, sampleIds } from '../../bench/http/wrk.ts';

// wrk -v exits 1 on success; only a missing binary is ENOENT.
const probe = await execa('wrk', ['-v'], { reject: false });
const hasWrk = (probe as { code?: string }).code !== 'ENOENT';

async function server(): Promise<{ url: string; close(): void; served(): number }> {
  let n = 0;
  const s = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      // Every 10th answer is a 503: the script must count it apart from the 201s.
      const traceId = n.toString(16).padStart(32, '0');
      res.writeHead(n % 10 === 0 ? 503 : 201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: String(n), traceId }));
    });
  });
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/events`, close: () => s.close(), served: () => n };
}

test('a capped run stops near the cap and is timed by its answers, not by -d', async () => {
  if (!hasWrk) {
    console.log('skipped: wrk is not installed (apt-get install wrk)');
    return;
  }
  const s = await server();
  try {
    // wrk runs the whole -d even when every thread stopped at the cap, so -d is the test's length:
    // 10 s, well above the 3 s that 300 answers took at load average 20. A duration well under -d
    // can only come from the answers' own clock.
    const r = await runWrk(s.url, { threads: 2, connections: 4, seconds: 10, maxRequests: 300 });
    assert.ok(r.requests >= 290 && r.requests <= 300 + 4, `requests ${r.requests}`);
    assert.ok(r.durationUs < 7_500_000, `a capped run is timed by its answers: ${r.durationUs} µs`);
    assert.is(r.created + r.status503, r.requests);
    assert.ok(r.status503 >= Math.floor(r.requests / 10) - 2, `503s counted apart: ${r.status503}`);
    const ids = sampleIds(r, 10);
    assert.ok(ids.length >= 1, 'trace ids kept from 201 bodies');
    assert.ok(ids.every((id) => /^[0-9a-f]{32}$/.test(id)));
    assert.ok(r.wrkCpuS >= 0, 'wrk CPU seconds read');
  } finally {
    s.close();
  }
});

test('an uncapped run lasts -d and its rate is requests / duration', async () => {
  if (!hasWrk) return;
  const s = await server();
  try {
    const r = await runWrk(s.url, { threads: 1, connections: 2, seconds: 1 });
    assert.ok(r.durationUs >= 900_000 && r.durationUs < 2_000_000, `duration ${r.durationUs} µs`);
    assert.ok(r.requests > 0 && r.requests <= s.served() + 2);
  } finally {
    s.close();
  }
});

test.run();
