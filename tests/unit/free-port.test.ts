// freePort() hands out ports the kernel does not also hand out as the local end of outgoing
// connections (below its ephemeral range), free at the time of asking, and above the platform's
// own settings.
import fs from 'node:fs';
import net from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../tasks/ports.ts';

const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);

test('20 picks: each outside the ephemeral range, at or above 20000, and bindable', async () => {
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    assert.ok(port >= 20_000, `${port} is among the platform's own ports`);
    assert.ok(port < low!, `${port} is in the ephemeral range (from ${low})`);
    const srv = net.createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((r) => srv.close(r));
  }
});

test('a port held by a listener is never handed out', async () => {
  const held: net.Server[] = [];
  const heldPorts = new Set<number>();
  try {
    for (let i = 0; i < 5; i++) {
      const port = await freePort();
      const srv = net.createServer();
      await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
      held.push(srv);
      heldPorts.add(port);
    }
    for (let i = 0; i < 50; i++) assert.not.ok(heldPorts.has(await freePort()));
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
});

test('a port is handed out once per process, even while nothing holds it', async () => {
  // 500 random picks from a pool of about 12,800 would repeat one almost surely (p > 0.9999).
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) {
    const port = await freePort();
    assert.not.ok(seen.has(port), `port ${port} handed out twice`);
    seen.add(port);
  }
});

test.run();
