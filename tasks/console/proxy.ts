// Forwards a browser's GET to one backend and passes its answer through unchanged. A backend
// that does not answer becomes a 502 whose one line names it and what to do (`make up`), which
// the page shows on the panel that asked.
import type http from 'node:http';
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
  const target = `${backend.url}${pathAndQuery}`;
  let answer: Response;
  try {
    answer = await fetch(target, { signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) });
  } catch (e) {
    if (signal.aborted) return void res.destroy();
    // fetch says only 'fetch failed'; its cause has the reason (ECONNREFUSED, a timeout, a refused port).
    const c = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    const cause = c?.code ?? c?.message ?? (e as Error).message;
    return sendJson(res, 502, {
      error: `${title} at ${backend.url} is not answering (${cause}); start the platform with make up`,
      backend: name,
    });
  }
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  const type = answer.headers.get('content-type');
  if (type) headers['content-type'] = type;
  res.writeHead(answer.status, headers);
  if (!answer.body) return void res.end();
  for await (const chunk of answer.body) res.write(chunk);
  res.end();
}
