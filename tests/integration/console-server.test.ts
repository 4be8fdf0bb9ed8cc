// The platform console's server against a real Prometheus (Debian's, with the project's recording
// and alerting rules) and a real node-exporter, in a temp PLATFORM_DIR on free ports, started by
// the native target's own console component (bundle + supervised process). Each panel of the four
// committed dashboards is asked through the console (/api/prom/query_range, the browser's path):
// the panels whose inputs this test scrapes (Prometheus and the host) answer with data, the
// Kafka and demo-service panels answer "no data" (nothing here exports those series), and none
// errors but the logs panel, which names the VictoriaLogs this test does not run. Then the bad inputs: a broken expression, a write, the port taken, Prometheus stopped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../tasks/ports.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';
import type { Paths, PlatformContext } from '../../tasks/context.ts';
import { unavailable, type Endpoints } from '../../tasks/targets/target.ts';
import { metricsPorts, nodeExporterSpec, prometheusSpec } from '../../tasks/targets/native/prometheus.ts';
import { consoleComponent, consoleDir } from '../../tasks/targets/native/console.ts';
import { readPid, start, stop } from '../../tasks/targets/native/supervisor.ts';
import { evaluatePanels, loadCommittedDashboards, type PanelAnswer } from '../../tasks/console/dashboards/evaluate.ts';

/** Panels drawn from what this test scrapes: Prometheus itself and the host's node-exporter (or a `vector(0)` fallback). */
const WITH_DATA = new Set([
  'Example-App Overview/Scrape targets up',
  'Example-App Overview/Scrape targets down',
  'Example-App Overview/Alerts firing',
  'Example-App Overview/Max consumer lag',
  'Example-App Overview/Target health by job',
  'Example-App Overview/Host CPU and memory',
  'Kafka Metrics/Messages consumed/s (all groups)',
  'Kafka Metrics/Total consumer lag',
  'Resource Usage/Host CPU',
  'Resource Usage/Host memory',
  'Resource Usage/Disk usage by mountpoint',
  'Resource Usage/Process CPU by job',
  'Resource Usage/Process memory (RSS) by job',
]);

const key = (a: PanelAnswer) => `${a.dashboard}/${a.panel}`;

async function get(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* HTML or empty */
  }
  return { status: res.status, body, text };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env, timeout: 20_000 }, (err, _out, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
    );
    child.stdin?.end();
  });
}

test('console: every dashboard panel through the real Prometheus; bad inputs fail one panel or one request', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'console-it-'));
  const paths: Paths = {
    root: REPO_ROOT,
    platform: dir,
    data: path.join(dir, 'data'),
    logs: path.join(dir, 'logs'),
    run: path.join(dir, 'run'),
    cache: path.join(REPO_ROOT, '.tools', 'cache'),
  };
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [promPort, nodePort, consolePort] = [...ports] as [number, number, number];
  const env = { PROMETHEUS_PORT: String(promPort), NODE_EXPORTER_PORT: String(nodePort), GRAFANA_PORT: String(consolePort) };
  const mp = metricsPorts(env);

  // The project's rules, evaluated every second instead of every 30 s so the recorded series
  // appear within seconds; the expressions are the committed ones, unchanged.
  const rulesDir = path.join(dir, 'rules');
  await fsp.mkdir(rulesDir, { recursive: true });
  for (const f of ['recording.yml', 'alerts.yml']) {
    const text = await fsp.readFile(path.join(REPO_ROOT, 'manifests', 'prometheus', 'rules', f), 'utf8');
    await fsp.writeFile(path.join(rulesDir, f), text.replace(/^(\s+)interval: \d+[smh]$/gm, '$1interval: 1s'));
  }
  const config = path.join(dir, 'prometheus.yml');
  await fsp.writeFile(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${rulesDir}/recording.yml', '${rulesDir}/alerts.yml']`,
      'scrape_configs:',
      `  - { job_name: prometheus, static_configs: [{ targets: ['127.0.0.1:${promPort}'] }] }`,
      `  - { job_name: node, static_configs: [{ targets: ['127.0.0.1:${nodePort}'] }] }`,
      '',
    ].join('\n'),
  );

  const signal = AbortSignal.timeout(180_000);
  const endpoints: Endpoints = {
    kafka: unavailable('not part of this test'),
    prometheus: { url: `http://127.0.0.1:${promPort}` },
    alertmanager: unavailable('not part of this test'),
    otlpGrpc: unavailable('not part of this test'),
    traceQuery: unavailable('not part of this test'),
    logsql: unavailable('not part of this test'),
    grafana: unavailable('not part of this test'),
    console: { url: `http://127.0.0.1:${consolePort}` },
    loki: unavailable('not part of this test'),
    tempo: unavailable('not part of this test'),
    demo: unavailable('not part of this test'),
  };
  const logged: string[] = [];
  const ctx = {
    signal,
    log: (l: string) => logged.push(l),
    logFile: path.join(dir, 'node.log'),
    paths,
    env,
    target: { name: 'native', describe: 'test', endpoints: () => endpoints, components: {}, tools: [] },
  } as unknown as PlatformContext;
  const consoleC = consoleComponent();
  const base = `http://127.0.0.1:${consolePort}`;
  try {
    await start(nodeExporterSpec(mp), paths, signal);
    await start(prometheusSpec(paths, mp, config), paths, signal);
    const t0 = performance.now();
    await consoleC.up(ctx);
    console.log(`  measured: ${logged.join('; ')} (up ${Math.round(performance.now() - t0)} ms, load ${os.loadavg()[0]!.toFixed(1)})`);
    assert.ok(fs.existsSync(path.join(consoleDir(ctx), 'server.mjs')), 'server bundled into the platform dir');
    assert.ok(await consoleC.status(ctx), 'status: running and ready');
    const rows = await consoleC.rows!(ctx);
    assert.is(rows[0]!.state, 'running');
    assert.is(rows[0]!.port, consolePort);

    // One origin: the page and its bundle come from the console, nothing from elsewhere.
    const page = await get(`${base}/`);
    assert.is(page.status, 200);
    assert.match(page.text, /<script type="module" src="\/app.js">/);
    assert.not.match(page.text, /https?:\/\//);
    assert.is((await get(`${base}/app.js`)).status, 200);
    assert.is((await get(`${base}/../../etc/passwd`)).status, 404);

    // The dashboards are the committed files, byte for byte.
    const list = (await get(`${base}/api/dashboards`)).body as unknown as { file: string }[];
    const dashboards = await loadCommittedDashboards(REPO_ROOT);
    assert.equal(list.map((d) => d.file), dashboards.map((d) => d.file));
    const one = await get(`${base}/api/dashboards/${dashboards[0]!.file}`);
    assert.is(one.text, await fsp.readFile(path.join(REPO_ROOT, 'manifests', 'grafana', 'dashboards', dashboards[0]!.file), 'utf8'));

    // Every panel: the scraped ones get data once the rules have run, the others none, none errors.
    let answers: PanelAnswer[] = [];
    const deadline = Date.now() + 90_000;
    for (;;) {
      answers = await evaluatePanels(base, dashboards, { rangeS: 300 });
      const missing = answers.filter((a) => WITH_DATA.has(key(a)) && a.state !== 'data');
      if (missing.length === 0 || Date.now() > deadline) break;
      await sleep(2_000);
    }
    const total = dashboards.reduce((n, { d }) => n + (d.panels?.length ?? 0), 0);
    assert.is(answers.length, total);
    for (const a of answers) {
      if (a.type === 'logs') {
        // This test runs no VictoriaLogs: the logs panel names the missing backend (the browser
        // tests and 0-4's checks see it draw lines on a whole stack).
        assert.is(a.state, 'error', key(a));
        assert.match(a.reason ?? '', /VictoriaLogs \(LogsQL\) is not available on this target: not part of this test/);
        continue;
      }
      assert.is.not(a.state, 'error', `${key(a)}: ${a.reason}`);
      assert.is(a.state, WITH_DATA.has(key(a)) ? 'data' : 'nodata', `${key(a)}: ${a.exprs.join('; ')}`);
    }
    console.log(`  measured: ${answers.filter((a) => a.state === 'data').length}/${answers.length} panels with data`);

    // A broken expression: Prometheus' own error through the console, for that query only.
    const bad = await get(`${base}/api/prom/query?query=${encodeURIComponent('sum(rate(up[5m])')}`);
    assert.is(bad.status, 400);
    assert.is(bad.body.errorType, 'bad_data');
    assert.match(String(bad.body.error), /parse error/);
    // Read-only: a write is refused.
    assert.is((await get(`${base}/api/prom/query`, { method: 'POST', body: 'query=up' })).status, 405);
    // A backend the target does not have is named with the target's reason.
    const jaeger = await get(`${base}/api/jaeger/services`);
    assert.is(jaeger.status, 503);
    assert.match(String(jaeger.body.error), /Jaeger .*not part of this test/);

    // The port taken: the one-line port error and exit 2, from the server itself and from the component.
    const again = await run(process.execPath, [path.join(consoleDir(ctx), 'server.mjs')], {
      ...process.env,
      CONSOLE_PORT: String(consolePort),
      PLATFORM_DIR: dir,
    });
    assert.is(again.code, 2);
    assert.is(again.stderr.trim().split('\n').length, 1);
    assert.match(again.stderr, new RegExp(`port ${consolePort} .*already in use.*GRAFANA_PORT`));

    // Prometheus down: the panel's answer names it and what to do.
    await stop('prometheus', paths);
    const down = await get(`${base}/api/prom/query?query=up`);
    assert.is(down.status, 502);
    assert.match(String(down.body.error), /Prometheus at http:\/\/127\.0\.0\.1:\d+ is not answering .*make up/);
    const afterDown = await evaluatePanels(base, dashboards.slice(0, 1), { rangeS: 300 });
    assert.ok(afterDown.every((a) => a.state === 'error' && /make up/.test(a.reason ?? '')));

    await consoleC.down!(ctx);
    assert.is(await readPid(paths, 'console'), undefined);
    assert.ok(await new Promise<boolean>((r) => {
      const s = net.createServer().once('error', () => r(false)).listen(consolePort, '127.0.0.1', () => s.close(() => r(true)));
    }), 'port free after down');
  } finally {
    await consoleC.down!(ctx).catch(() => undefined);
    for (const n of ['prometheus', 'node-exporter']) await stop(n, paths).catch(() => undefined);
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('console: a busy port before start is the supervisor\'s one-line port error (exit code 2 class)', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'console-port-'));
  const port = await freePort();
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  const paths: Paths = { root: REPO_ROOT, platform: dir, data: path.join(dir, 'data'), logs: path.join(dir, 'logs'), run: path.join(dir, 'run'), cache: path.join(REPO_ROOT, '.tools', 'cache') };
  const ctx = {
    signal: AbortSignal.timeout(60_000),
    log: () => {},
    logFile: path.join(dir, 'node.log'),
    paths,
    env: { GRAFANA_PORT: String(port) },
    target: { name: 'native', endpoints: () => ({ prometheus: unavailable('none'), traceQuery: unavailable('none'), logsql: unavailable('none') }) },
  } as unknown as PlatformContext;
  try {
    const err = await consoleComponent().up(ctx).then(() => undefined, (e: unknown) => e as Error);
    assert.ok(err, 'up must fail');
    assert.is(err!.name, 'UsageError');
    assert.match(err!.message, new RegExp(`^console: port ${port} is already in use.*set GRAFANA_PORT`));
    assert.is(err!.message.split('\n').length, 1);
  } finally {
    blocker.close();
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test.run();
