// What the console server is told at start, all in its environment: the native component sets
// these from the target's endpoints (tasks/targets/native/console.ts), a test sets them itself.
// A backend is either a base URL or the reason the target has none, shown on the page asking for it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoint, Endpoints } from '../targets/target.ts';

export type BackendName = 'prometheus' | 'jaeger' | 'logsql';
export type Backend = { url: string } | { unavailable: string };

export interface ConsoleConfig {
  host: string;
  port: number;
  /** The repository: dashboards under manifests/grafana/dashboards, the report under validation/ and docs/. */
  root: string;
  /** The platform directory (.platform): state.json, run/, logs/. */
  platformDir: string;
  /** Where bundle.ts wrote index.html and the bundled assets. */
  assetsDir: string;
  /** The target whose `status` the Overview shows. */
  target: string;
  backends: Record<BackendName, Backend>;
  /** Links the browser opens directly (a backend's own UI), not fetched by the console's code. */
  links: Record<string, string>;
}

/** The names a backend is shown under in errors: what to start is named too. */
export const BACKEND_TITLES: Record<BackendName, string> = {
  prometheus: 'Prometheus',
  jaeger: 'Jaeger (trace query API)',
  logsql: 'VictoriaLogs (LogsQL)',
};

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');


type Env = Readonly<Record<string, string | undefined>>;

function backend(env: Env, key: string): Backend {
  const v = env[key];
  if (!v) return { unavailable: `${key} is not set: the target provides no such backend` };
  if (v.startsWith('unavailable:')) return { unavailable: v.slice('unavailable:'.length).trim() };
  if (!/^https?:\/\//.test(v)) throw new Error(`${key}=${v} is not an http(s) URL`);
  return { url: v.replace(/\/+$/, '') };
}

export function configFromEnv(env: Env): ConsoleConfig {
  const port = Number(env.CONSOLE_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`CONSOLE_PORT=${env.CONSOLE_PORT ?? ''} must be a TCP port 1-65535 (GRAFANA_PORT in .env)`);
  }
  const platformDir = path.resolve(env.PLATFORM_DIR ?? path.join(REPO_ROOT, '.platform'));
  const links: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('CONSOLE_LINK_') && v) links[k.slice('CONSOLE_LINK_'.length).toLowerCase()] = v;
  }
  return {
    // Loopback only: the console shows the platform's state to whoever can reach it.
    host: '127.0.0.1',
    port,
    // Given by the component: the server runs bundled from .platform, not from its source folder.
    root: env.CONSOLE_ROOT ?? REPO_ROOT,
    platformDir,
    assetsDir: env.CONSOLE_ASSETS ?? path.join(platformDir, 'console', 'assets'),
    target: env.CONSOLE_TARGET ?? 'native',
    backends: {
      prometheus: backend(env, 'CONSOLE_PROMETHEUS_URL'),
      jaeger: backend(env, 'CONSOLE_JAEGER_URL'),
      logsql: backend(env, 'CONSOLE_LOGSQL_URL'),
    },
    links,
  };
}

/** Where a console process runs from and what it reaches: the start-up side of configFromEnv. */
export interface ConsoleLaunch {
  port: number;
  target: string;
  root: string;
  platformDir: string;
  assetsDir: string;
  /** A backend's base URL, or why the target has none (shown on the page asking for it). */
  backends: Record<BackendName, Backend>;
  links?: Record<string, string>;
}

/** The environment configFromEnv reads, for whoever starts the console (the native target, the bench). */
export function consoleEnv(l: ConsoleLaunch): Record<string, string> {
  const asEnv = (b: Backend) => ('url' in b ? b.url : `unavailable: ${b.unavailable}`);
  const env: Record<string, string> = {
    CONSOLE_PORT: String(l.port),
    CONSOLE_TARGET: l.target,
    CONSOLE_ASSETS: l.assetsDir,
    CONSOLE_ROOT: l.root,
    PLATFORM_DIR: l.platformDir,
    CONSOLE_PROMETHEUS_URL: asEnv(l.backends.prometheus),
    CONSOLE_JAEGER_URL: asEnv(l.backends.jaeger),
    CONSOLE_LOGSQL_URL: asEnv(l.backends.logsql),
  };
  for (const [k, v] of Object.entries(l.links ?? {})) env[`CONSOLE_LINK_${k.toUpperCase()}`] = v;
  return env;
}

const backendOf = (e: Endpoint): Backend => ('url' in e ? { url: e.url } : { unavailable: e.unavailable });

/** A target's endpoints as the console's backends, and the backends' own UIs it links to. */
export function backendsOf(ep: Endpoints): Pick<ConsoleLaunch, 'backends' | 'links'> {
  const links: Record<string, string> = {};
  if ('url' in ep.prometheus) links.prometheus = ep.prometheus.url;
  if ('url' in ep.logsql) links.logs = `${ep.logsql.url}/select/vmui/`;
  return {
    backends: { prometheus: backendOf(ep.prometheus), jaeger: backendOf(ep.traceQuery), logsql: backendOf(ep.logsql) },
    links,
  };
}
