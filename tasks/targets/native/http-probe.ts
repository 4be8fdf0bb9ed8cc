// The HTTP status of a GET on a local readiness endpoint, for probes on the start-up path of
// `status` and `up`. node:http rather than fetch: the first fetch in a process initialises undici
// (~40 ms of CPU here), several times what this one request costs.
import http from 'node:http';

/** Status code of GET `url`, or undefined when nothing answers within `timeoutMs` (or on abort). */
export function httpStatus(
  url: string,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const signal = AbortSignal.any([
      AbortSignal.timeout(opts.timeoutMs ?? 2_000),
      ...(opts.signal ? [opts.signal] : []),
    ]);
    const req = http.get(url, { signal, agent: false }, (res) => {
      res.resume(); // drain: the body is not needed, the socket is freed
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
  });
}
