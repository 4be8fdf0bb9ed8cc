// A Jaeger of its own for tests and benchmarks (bench/tracing.ts, the Kafka trace test), on the
// same cached binary and config as the native target's (observability.ts).
import fsp from 'node:fs/promises';
import path from 'node:path';
import { JAEGER, jaegerSpec, startBackend } from './observability.ts';
import { observabilityPorts, type ObservabilityPorts } from './observability-ports.ts';
import { stop } from './supervisor.ts';

/**
 * A Jaeger of its own for tests and benchmarks: a temp PLATFORM_DIR, free ports, the cached
 * binary, the project's config; `stop` ends it and removes the directory.
 */
export async function startScratchJaeger(): Promise<{
  ports: ObservabilityPorts;
  otlpGrpc: string;
  query: string;
  metrics: string;
  stop: () => Promise<void>;
}> {
  const { freePort } = await import('../../ports.ts');
  const { resolvePaths } = await import('../../paths.ts');
  const os = await import('node:os');
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'jaeger-'));
  const paths = {
    ...resolvePaths(),
    platform: dir,
    data: path.join(dir, 'data'),
    logs: path.join(dir, 'logs'),
    run: path.join(dir, 'run'),
  };
  const env: Record<string, string> = {};
  for (const key of [
    'OTLP_GRPC_PORT',
    'OTLP_HTTP_PORT',
    'JAEGER_QUERY_PORT',
    'JAEGER_GRPC_PORT',
    'JAEGER_METRICS_PORT',
  ])
    env[key] = String(await freePort());
  const ports = observabilityPorts(env);
  const b = await (await import('./go-backends.ts')).requireBackend('jaeger', paths);
  const spec = jaegerSpec(paths, ports, b.binary);
  try {
    await startBackend(spec, paths, new AbortController().signal);
  } catch (e) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    ports,
    otlpGrpc: `http://127.0.0.1:${ports.otlpGrpc}`,
    query: `http://127.0.0.1:${ports.jaegerQuery}`,
    metrics: `http://127.0.0.1:${ports.jaegerMetrics}/metrics`,
    stop: async () => {
      await stop(JAEGER, paths, {
        port: ports.otlpGrpc,
        extraPorts: (spec.extraPorts ?? []).map((p) => p.port),
      });
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}
