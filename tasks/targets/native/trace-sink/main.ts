// Process entry of the DEVELOPMENT TRACE SINK (native target), started detached by the supervisor:
//   node --import tsx tasks/targets/native/trace-sink/main.ts
// Settings from the environment: OTLP_GRPC_PORT (default 4317), PLATFORM_DIR, TRACE_RETENTION_DAYS
// (default 7, like Tempo's). Its own logs are JSON lines on stdout, which the supervisor appends to
// .platform/logs/trace-sink.log.
import { pino } from 'pino';
import { resolvePaths } from '../../../paths.ts';
import { startTraceSink } from './server.ts';
import { tracesDir } from './paths.ts';

const log = pino({
  messageKey: 'message',
  base: { service: 'trace-sink' },
  timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
  formatters: { level: (label: string) => ({ level: label.toUpperCase() }) },
});

const port = Number(process.env.OTLP_GRPC_PORT ?? '4317');
const retentionDays = Number(process.env.TRACE_RETENTION_DAYS ?? '7');
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  log.fatal({ value: process.env.OTLP_GRPC_PORT }, 'OTLP_GRPC_PORT must be a port number (1-65535)');
  process.exit(2);
}
const dir = tracesDir(resolvePaths());

try {
  const sink = await startTraceSink({ port, dir, log });
  const removed = await sink.store.prune(retentionDays);
  if (removed.length) log.info({ removed, retentionDays }, 'removed span files past retention');

  let last = '';
  const summary = setInterval(() => {
    const now = JSON.stringify(sink.stats);
    if (now !== last) log.info({ ...sink.stats }, 'export totals');
    last = now;
  }, 60_000);
  summary.unref();

  const stop = (sig: string) => {
    log.info({ signal: sig, ...sink.stats }, 'stopping');
    clearInterval(summary);
    sink.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (e) {
  log.fatal({ port, dir }, (e as Error).message);
  process.exit(1);
}
