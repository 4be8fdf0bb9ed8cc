// Seed task 0-10: the service template proven by use. scripts/create-service.sh generates a
// service (under services/, gitignored, so Node resolves the repository's node_modules), the
// service runs as a real process against the target's Kafka and OTLP endpoints, and its probes,
// metrics, JSON logs and spans are checked. The generated copy is removed afterwards.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { PlatformContext } from '../../context.ts';
import { check, type Check } from '../../engine/task.ts';
import { freePort } from '../../ports.ts';
import { isAvailable } from '../../targets/target.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { http, poll } from '../../../validation/lib/http.ts';
import { lookupTrace } from '../../../validation/lib/traces.ts';
import { proofVia, substitute, SUBSTITUTES } from '../../../validation/lib/checks.ts';

const T = '0-10';
const METRICS = [
  'http_request_duration_seconds',
  'http_requests_total',
  'kafka_messages_produced_total',
  'kafka_messages_consumed_total',
  'process_cpu_seconds_total',
];

export async function templateChecks(ctx: PlatformContext): Promise<Check[]> {
  const checks: Check[] = [];
  const name = `verify-${randomBytes(3).toString('hex')}`;
  const parent = path.join(ctx.paths.root, 'services');
  const dir = path.join(parent, name);
  try {
    const t0 = performance.now();
    const gen = await execa(
      path.join(ctx.paths.root, 'scripts', 'create-service.sh'),
      [name, '--description', '0-10 verify'],
      { reject: false, all: true, cancelSignal: ctx.signal },
    );
    const files = gen.exitCode === 0 ? await listFiles(dir) : [];
    const has = (f: string) => files.includes(f);
    checks.push(
      check({
        proof: 'live',
        id: `${T}.generate`,
        title: './scripts/create-service.sh generates a new service',
        criteria: [`${T}.ac1`],
        status: gen.exitCode === 0 && has('package.json') && has('src/main.ts') ? 'pass' : 'fail',
        measured: Math.round(performance.now() - t0),
        unit: 'ms',
        evidence: `scripts/create-service.sh ${name} → exit ${gen.exitCode}, ${files.length} files`,
        ...(gen.exitCode === 0 ? {} : { reason: (gen.all ?? '').split('\n').slice(-3).join(' ') }),
      }),
    );
    if (gen.exitCode !== 0) return checks;
    const parts: [string, string, string[], string[]][] = [
      [
        'kafka-utilities',
        'Kafka producer/consumer utilities (EventBus interface, @platformatic/kafka and kafkajs implementations chosen by KAFKA_CLIENT, tracing wrapper)',
        [`${T}.ac6`],
        [
          'src/kafka/bus.ts',
          'src/kafka/client.ts',
          'src/kafka/platformatic.ts',
          'src/kafka/kafkajs.ts',
          'src/kafka/instrumented.ts',
        ],
      ],
      [
        'unit-tests',
        'Unit test examples',
        [`${T}.ac7`],
        ['tests/unit/app.test.ts', 'tests/unit/config.test.ts'],
      ],
      ['integration-tests', 'Integration test examples', [`${T}.ac8`], ['tests/integration/service.test.ts']],
      ['dockerfile', 'Dockerfile (multi-stage, non-root)', [`${T}.ac9`], ['Dockerfile', '.dockerignore']],
      [
        'k8s',
        'Kubernetes manifests (Deployment, Service, ConfigMap)',
        [`${T}.ac10`],
        ['k8s/deployment.yaml', 'k8s/service.yaml', 'k8s/configmap.yaml'],
      ],
      ['docs', 'Documentation generated with the service (README)', [`${T}.ac11`], ['README.md']],
    ];
    for (const [id, title, criteria, need] of parts) {
      const missing = need.filter((f) => !has(f));
      let extra = '';
      if (id === 'dockerfile' && missing.length === 0) {
        const df = await fs.readFile(path.join(dir, 'Dockerfile'), 'utf8');
        const stages = (df.match(/^FROM /gm) ?? []).length;
        const user = /^USER\s+(\S+)/m.exec(df)?.[1];
        if (stages < 2 || !user || user === 'root')
          missing.push(`multi-stage + non-root USER (stages ${stages}, USER ${user ?? 'none'})`);
        extra = `; ${stages} stages, USER ${user}`;
      }
      if (id === 'docs' && missing.length === 0) {
        const readme = await fs.readFile(path.join(dir, 'README.md'), 'utf8');
        if (!readme.startsWith(`# ${name}`)) missing.push('README names the service');
      }
      checks.push(
        check({
          proof: 'static',
          id: `${T}.${id}`,
          title,
          criteria,
          status: missing.length ? 'fail' : 'pass',
          evidence: `${need.join(', ')}${extra}`,
          ...(missing.length ? { reason: `missing: ${missing.join(', ')}` } : {}),
        }),
      );
    }
    checks.push(...(await runChecks(ctx, name, dir)));
  } catch (e) {
    checks.push(
      check({
        proof: 'live',
        id: `${T}.template`,
        title: 'Service template verify',
        status: 'fail',
        reason: errText(e),
      }),
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
  return checks;
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
    const r = path.posix.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out;
}

/** Runs the generated service and checks probes, metrics, JSON logs and a span. */
async function runChecks(ctx: PlatformContext, name: string, dir: string): Promise<Check[]> {
  const ep = ctx.target.endpoints();
  const titles = {
    health: 'Generated service answers /health and /ready (Kafka checked)',
    metrics:
      'Prometheus metrics integrated (/metrics: request histogram/counter, Kafka counters, process metrics)',
    logs: 'Structured JSON logging (service, level, timestamp, trace_id)',
    tracing: 'OpenTelemetry tracing: the request span reaches the trace store with the service name',
  };
  if (!isAvailable(ep.kafka)) {
    return [
      check({
        ...substitute(SUBSTITUTES.fastapi),
        id: `${T}.health`,
        title: titles.health,
        criteria: [`${T}.ac2`],
        status: 'skip',
        reason: ep.kafka.unavailable,
      }),
    ];
  }
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['--no-warnings', 'src/main.ts'], {
    cwd: dir,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      KAFKA_BROKERS: ep.kafka.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: isAvailable(ep.otlpGrpc) ? ep.otlpGrpc.url : '',
      SHUTDOWN_TIMEOUT_MS: '10000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  const checks: Check[] = [];
  try {
    const ready = await poll(
      async () => ((await http(`${base}/ready`, { timeoutMs: 6_000 })).status === 200 ? true : undefined),
      60_000,
      300,
    );
    const health = await http(`${base}/health`).catch(() => ({ status: 0, text: '', ms: 0 }));
    checks.push(
      check({
        ...substitute(SUBSTITUTES.fastapi),
        id: `${T}.health`,
        title: titles.health,
        criteria: [`${T}.ac2`],
        status: ready && health.status === 200 ? 'pass' : 'fail',
        evidence: `node src/main.ts on ${base}: /health ${health.status}, /ready ${ready ? 200 : 'not 200 within 60 s'}`,
        ...(ready ? {} : { reason: `service output: ${out.split('\n').slice(-3).join(' ').slice(0, 300)}` }),
      }),
    );
    const traceId = randomBytes(16).toString('hex');
    await http(`${base}/v1/info`, {
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    const metrics = (await http(`${base}/metrics`)).text;
    const missing = METRICS.filter((m) => !metrics.includes(`# TYPE ${m} `));
    checks.push(
      check({
        proof: 'live',
        id: `${T}.metrics`,
        title: titles.metrics,
        criteria: [`${T}.ac3`],
        status: missing.length ? 'fail' : 'pass',
        measured: METRICS.length - missing.length,
        unit: 'metric families',
        evidence: METRICS.join(', '),
        ...(missing.length ? { reason: `missing: ${missing.join(', ')}` } : {}),
      }),
    );
    const line = await poll(
      async () => {
        for (const l of out.split('\n')) {
          if (!l.includes(traceId)) continue;
          const j = JSON.parse(l) as Record<string, unknown>;
          if (j.service === name && j.level && j.timestamp && j.trace_id === traceId) return j;
        }
        return undefined;
      },
      5_000,
      200,
    );
    checks.push(
      check({
        proof: 'live',
        id: `${T}.logging`,
        title: titles.logs,
        criteria: [`${T}.ac4`],
        status: line ? 'pass' : 'fail',
        evidence: line ? JSON.stringify(line).slice(0, 240) : `no JSON line with trace_id ${traceId}`,
        ...(line
          ? {}
          : { reason: 'the request log line is missing or lacks service/level/timestamp/trace_id' }),
      }),
    );
    if (!isAvailable(ep.traceQuery)) {
      checks.push(
        check({
          ...proofVia(ep.traceQuery),
          id: `${T}.tracing`,
          title: titles.tracing,
          criteria: [`${T}.ac5`],
          status: 'skip',
          reason: ep.traceQuery.unavailable,
        }),
      );
    } else {
      const traceUrl = ep.traceQuery.url;
      const spans = await poll(
        async () => {
          const s = await lookupTrace(traceUrl, traceId);
          return s.some((x) => x.service === name && x.name === 'GET /v1/info') ? s : undefined;
        },
        20_000,
        500,
      );
      checks.push(
        check({
          ...proofVia(ep.traceQuery),
          id: `${T}.tracing`,
          title: titles.tracing,
          criteria: [`${T}.ac5`],
          status: spans ? 'pass' : 'fail',
          evidence: `trace ${traceId}: ${spans ? spans.map((s) => `${s.service}/${s.name}`).join(', ') : 'not found'}`,
          ...(spans
            ? {}
            : {
                reason:
                  'no SERVER span "GET /v1/info" from the generated service in the trace store within 20 s',
              }),
        }),
      );
    }
  } finally {
    if (child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const [code] = (await exited) as [number | null];
      clearTimeout(t);
      checks.push(
        check({
          proof: 'live',
          id: `${T}.graceful-shutdown`,
          title: 'SIGTERM: the service drains and exits 0',
          status: code === 0 ? 'pass' : 'fail',
          measured: code ?? 'signal',
          evidence:
            out
              .split('\n')
              .filter((l) => l.includes('shutdown complete'))
              .pop()
              ?.slice(0, 200) ?? 'no "shutdown complete" line',
        }),
      );
    }
  }
  return checks;
}
