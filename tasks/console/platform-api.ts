// The platform's own data, read-only: the task graph and `status` (asked of the orchestrator
// itself, `tasks.ts graph|status --json`, so the console shows exactly what the CLI shows), the
// committed dashboards (the very files Grafana loads on the Docker paths) and the last report.
import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type http from 'node:http';
import type { ConsoleConfig } from './config.ts';
import { sendJson } from './proxy.ts';
import { DASHBOARDS_DIR } from './dashboards/evaluate.ts';

export const REPORT_JSON = path.join('validation', 'report.json');

const STATUS_TTL_MS = 3_000;
const CLI_TIMEOUT_MS = 20_000;

/** Runs `tasks.ts <args> --json` and returns the event of the given type. */
function cliEvent(cfg: ConsoleConfig, args: string[], type: string | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--no-warnings', path.join(cfg.root, 'tasks.ts'), ...args],
      {
        cwd: cfg.root,
        env: { ...process.env, PLATFORM_DIR: cfg.platformDir },
        timeout: CLI_TIMEOUT_MS,
        maxBuffer: 8 * 2 ** 20,
      },
      (err, stdout, stderr) => {
        if (type === undefined) {
          if (err) return reject(new Error(`tasks.ts ${args.join(' ')}: ${stderr.trim().split('\n').pop() ?? err.message}`));
          return resolve(JSON.parse(stdout));
        }
        for (const line of stdout.split('\n')) {
          if (!line.startsWith('{')) continue;
          const ev = JSON.parse(line) as { type?: string };
          if (ev.type === type) return resolve(ev);
        }
        reject(new Error(`tasks.ts ${args.join(' ')} gave no ${type} answer: ${stderr.trim().split('\n').pop() ?? err?.message ?? ''}`));
      },
    );
  });
}

let graph: Promise<unknown> | undefined;
let status: { at: number; value: Promise<unknown> } | undefined;

function statusOf(cfg: ConsoleConfig): Promise<unknown> {
  if (!status || Date.now() - status.at > STATUS_TTL_MS) {
    const value = cliEvent(cfg, ['status', '--json', '--target', cfg.target], 'status');
    status = { at: Date.now(), value };
    value.catch(() => (status = undefined));
  }
  return status.value;
}

export async function listDashboards(root: string): Promise<{ file: string; uid: string; title: string }[]> {
  const dir = path.join(root, DASHBOARDS_DIR);
  const files = (await fsp.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const d = JSON.parse(await fsp.readFile(path.join(dir, file), 'utf8')) as { uid?: string; title?: string };
      return { file, uid: d.uid ?? file.replace(/\.json$/, ''), title: d.title ?? file };
    }),
  );
}

async function readJsonFile(res: http.ServerResponse, file: string, what: string): Promise<void> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    return sendJson(res, 404, { error: `${what} not found at ${file}` });
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

export async function platformRoute(cfg: ConsoleConfig, url: URL, res: http.ServerResponse): Promise<void> {
  const p = url.pathname;
  try {
    if (p === '/api/platform/graph') {
      graph ??= cliEvent(cfg, ['graph', '--format', 'json'], undefined).catch((e: unknown) => {
        graph = undefined;
        throw e;
      });
      return sendJson(res, 200, await graph);
    }
    if (p === '/api/platform/status') return sendJson(res, 200, await statusOf(cfg));
    if (p === '/api/dashboards') return sendJson(res, 200, await listDashboards(cfg.root));
    const m = /^\/api\/dashboards\/([\w.-]+\.json)$/.exec(p);
    if (m) return readJsonFile(res, path.join(cfg.root, DASHBOARDS_DIR, m[1]!), `dashboard ${m[1]}`);
    if (p === '/api/report') {
      return readJsonFile(res, path.join(cfg.root, REPORT_JSON), 'the validation report (run: node tasks.ts verify --report)');
    }
  } catch (e) {
    return sendJson(res, 502, { error: (e as Error).message });
  }
  return sendJson(res, 404, { error: `no such console API: ${p}` });
}
