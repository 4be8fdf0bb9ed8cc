// Forwards a browser's GET to one backend and passes its answer through unchanged. A backend
// that does not answer becomes a 502 whose one line names it and what to do (`make up`), which
// the page shows on the panel that asked.
//
// node:http, not fetch: fetch (undici) wraps every answer in WHATWG streams and grew the
// console's V8 heap from 12 to 21-29 MB over 200 proxied queries (RSS 61 -> 95 MB, against the
// 80 MB budget); piping node:http's answer kept the heap at 11-12 MB (RSS 71 MB) on the same loop.
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';
import { BACKEND_TITLES, type Backend, type BackendName } from './config.ts';

const TIMEOUT_MS = 15_000;

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export async function forward(
  res: http.ServerResponse,
  name: BackendName,
  backend: Backend,
  pathAndQuery: string,
  signal: AbortSignal,
): Promise<void> {
  const title = BACKEND_TITLES[name];
  if ('unavailable' in backend) {
    return sendJson(res, 503, { error: `${title} is not available on this target: ${backend.unavailable}`, backend: name });
  }
  const target = new URL(`${backend.url}${pathAndQuery}`);
  const fail = (cause: string) =>
    sendJson(res, 502, {
      error: `${title} at ${backend.url} is not answering (${cause}); start the platform with make up`,
      backend: name,
    });
  await new Promise<void>((resolve) => {
    const req = (target.protocol === 'https:' ? https : http).get(target, { signal, timeout: TIMEOUT_MS }, (answer) => {
      const headers: Record<string, string> = { 'cache-control': 'no-store' };
      const type = answer.headers['content-type'];
      if (type) headers['content-type'] = type;
      res.writeHead(answer.statusCode ?? 502, headers);
      // Streamed: the backend is read only as fast as the browser takes it, never held whole;
      // either side closing early closes the other.
      pipeline(answer, res, () => resolve());
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.once('error', (e: NodeJS.ErrnoException) => {
      if (signal.aborted) res.destroy();
      else if (!res.headersSent) fail(e.code ?? e.message);
      else res.destroy();
      resolve();
    });
  });
}
