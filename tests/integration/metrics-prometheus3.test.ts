// The native Prometheus is a 3.x one where it matters at scrape time: it stores a classic
// histogram's `le` in float form ("1" is kept as "1.0"; 2.x kept the text as exposed), so a
// dashboard or rule matching le="1" finds nothing on any target. A real Prometheus (the built
// binary the platform runs) scrapes a real HTTP exporter on free ports in a temp dir.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../tasks/ports.ts';
import { resolvePaths } from '../../tasks/paths.ts';
import { poll } from '../../validation/lib/http.ts';
import { HANG_GUARD_MS } from '../support/hang-guard.ts';

const EXPOSITION = [
  '# HELP demo_latency_seconds A classic histogram.',
  '# TYPE demo_latency_seconds histogram',
  'demo_latency_seconds_bucket{le="0.5"} 2',
  'demo_latency_seconds_bucket{le="1"} 3',
  'demo_latency_seconds_bucket{le="+Inf"} 5',
  'demo_latency_seconds_sum 4',
  'demo_latency_seconds_count 5',
  '',
].join('\n');

async function series(base: string, selector: string): Promise<Record<string, string>[]> {
  const res = await fetch(`${base}/api/v1/series?match[]=${encodeURIComponent(selector)}`);
  const body = (await res.json()) as { data: Record<string, string>[] };
  return body.data;
}

test('Prometheus 3 stores le="1" as le="1.0" at scrape (2.x kept "1")', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prom3-'));
  const exporter = http.createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(EXPOSITION);
  });
  const exporterPort = await freePort();
  await new Promise<void>((r) => exporter.listen(exporterPort, '127.0.0.1', r));
  const promPort = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s }',
      'scrape_configs:',
      '  - job_name: histogram',
      `    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]`,
      '',
    ].join('\n'),
  );
  const binary = path.join(resolvePaths().cache, 'bin', 'prometheus');
  assert.ok(fs.existsSync(binary), `${binary} missing: run npx tsx tasks.ts dev-setup --target native`);
  const stop = new AbortController();
  const proc = execa(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
    { cancelSignal: stop.signal, reject: false, all: true },
  );
  const base = `http://127.0.0.1:${promPort}`;
  try {
    const build = await poll(async () => {
      const r = await fetch(`${base}/api/v1/status/buildinfo`);
      return r.ok ? ((await r.json()) as { data: { version: string } }).data.version : undefined;
    }, HANG_GUARD_MS);
    assert.match(build ?? '', /^3\./, `a 3.x Prometheus (${build ?? 'no answer'})`);
    const scraped = await poll(async () => {
      const s = await series(base, 'demo_latency_seconds_bucket');
      return s.length === 3 ? s : undefined;
    }, HANG_GUARD_MS);
    assert.ok(scraped, 'the three buckets scraped');
    assert.equal(scraped.map((s) => s.le).sort(), ['+Inf', '0.5', '1.0']);
    assert.equal(await series(base, 'demo_latency_seconds_bucket{le="1"}'), []);
  } finally {
    stop.abort();
    const r = await proc;
    exporter.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (r.exitCode && !r.isCanceled) console.error((r.all ?? '').split('\n').slice(-5).join('\n'));
  }
});

test.run();
