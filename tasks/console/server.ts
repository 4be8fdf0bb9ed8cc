// The platform console's server (issue 21): one origin for the browser. It serves the bundled
// browser code (built by bundle.ts at `up`) and forwards read-only GETs to the local backends
// (Prometheus, Jaeger's query API, VictoriaLogs' LogsQL) and the platform's own files (state,
// dashboards, report). Plain node:http and lazy imports keep it small: it must start in < 1 s
// and stay < 80 MB RSS (bench/console.ts). It never writes to the platform.
//
// Run as `node tasks/console/server.ts` (Node strips the types); the native target's metrics
// component starts it supervised and passes its configuration in the environment (config.ts).
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { configFromEnv, type ConsoleConfig } from './config.ts';
import { forward, sendJson } from './proxy.ts';
import { serveAsset } from './assets.ts';
import { platformRoute } from './platform-api.ts';

/** The prefix each backend is reached under, and the path it maps to on that backend. */
const BACKEND_ROUTES = [
  { prefix: '/api/prom/', backend: 'prometheus', to: '/api/v1/' },
  { prefix: '/api/jaeger/', backend: 'jaeger', to: '/api/' },
  { prefix: '/api/logsql/', backend: 'logsql', to: '/select/logsql/' },
] as const;

export function createConsoleServer(cfg: ConsoleConfig): http.Server {
  return http.createServer((req, res) => {
    handle(cfg, req, res).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `console: ${(e as Error).message}` });
      else res.destroy();
    });
  });
}

async function handle(cfg: ConsoleConfig, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console.invalid');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendJson(res, 405, { error: 'the console is read-only: only GET and HEAD' });
  }
  if (url.pathname === '/api/health') return sendJson(res, 200, { ok: true, service: 'platform-console' });
  if (url.pathname === '/api/config') {
    return sendJson(res, 200, { backends: cfg.backends, links: cfg.links, target: cfg.target });
  }
  for (const r of BACKEND_ROUTES) {
    if (url.pathname.startsWith(r.prefix)) {
      const rest = url.pathname.slice(r.prefix.length);
      // A browser that navigates away cancels the backend request too.
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      return forward(res, r.backend, cfg.backends[r.backend], `${r.to}${rest}${url.search}`, gone.signal);
    }
  }
  if (url.pathname.startsWith('/api/')) return platformRoute(cfg, url, res);
  return serveAsset(cfg.assetsDir, url.pathname, res);
}

/** Listens on the configured loopback address; a busy port is the one-line error, exit 2. */
export function listen(cfg: ConsoleConfig): Promise<http.Server> {
  const server = createConsoleServer(cfg);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

async function main(): Promise<void> {
  let cfg: ConsoleConfig;
  try {
    cfg = configFromEnv(process.env);
  } catch (e) {
    process.stderr.write(`console: ${(e as Error).message}\n`);
    process.exit(2);
  }
  try {
    const server = await listen(cfg);
    const stop = () => server.close(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.stdout.write(
      JSON.stringify({ level: 'info', msg: `console listening on http://${cfg.host}:${cfg.port}`, time: Date.now() }) +
        '\n',
    );
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const msg =
      err.code === 'EADDRINUSE'
        ? `port ${cfg.port} on ${cfg.host} is already in use; stop that process or set GRAFANA_PORT in .env`
        : `cannot listen on ${cfg.host}:${cfg.port}: ${err.message}`;
    process.stderr.write(`console: ${msg}\n`);
    process.exit(2);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
