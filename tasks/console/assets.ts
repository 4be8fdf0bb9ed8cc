// Serves the bundle bundle.ts wrote: index.html for every page (the pages are routes after `#`),
// the rest by name. Only files inside the assets directory, never a path that climbs out of it.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type http from 'node:http';
import { sendJson } from './proxy.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

export async function serveAsset(dir: string, pathname: string, res: http.ServerResponse): Promise<void> {
  const rel = pathname === '/' || pathname === '/index.html' ? 'index.html' : decodeURIComponent(pathname.slice(1));
  const file = path.resolve(dir, rel);
  if (!file.startsWith(path.resolve(dir) + path.sep)) return sendJson(res, 404, { error: `no such file: ${pathname}` });
  let body: Buffer;
  try {
    body = await fsp.readFile(file);
  } catch {
    if (rel === 'index.html') {
      return sendJson(res, 500, { error: `the console's bundle is missing in ${dir}; run make up (it bundles the browser code)` });
    }
    return sendJson(res, 404, { error: `no such file: ${pathname}` });
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    // The bundle is rebuilt by `up`; the browser asks again each time (it is small and local).
    'cache-control': 'no-cache',
  });
  res.end(body);
}
