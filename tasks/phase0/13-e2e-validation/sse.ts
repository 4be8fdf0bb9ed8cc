// A minimal Server-Sent Events reader over fetch (no browser EventSource in Node): used by the
// 0-13 checks and the demo's tests to watch GET /events/stream.

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export interface EventStream {
  /** Resolves with the first event (already received or future) that matches, or rejects after `timeoutMs`. */
  waitFor(match: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent>;
  readonly events: readonly SseEvent[];
  close(): void;
}

/** Opens the stream and resolves once the response headers arrived and the first event (the demo's `subscribed`) was read. */
export async function openEventStream(url: string, opts: { timeoutMs?: number } = {}): Promise<EventStream> {
  const ac = new AbortController();
  const timer = setTimeout(
    () => ac.abort(new Error(`${url}: no answer within ${opts.timeoutMs ?? 5_000} ms`)),
    opts.timeoutMs ?? 5_000,
  );
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: ac.signal });
  } finally {
    clearTimeout(timer);
  }
  if (res.status !== 200 || !res.body) {
    ac.abort();
    throw new Error(`${url}: HTTP ${res.status}, expected 200 text/event-stream`);
  }
  const events: SseEvent[] = [];
  const waiters = new Set<{ match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }>();
  let ended: Error | undefined;
  const failAll = new Set<(e: Error) => void>();

  const dispatch = (block: string) => {
    const e: SseEvent = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const at = line.indexOf(':');
      const field = at < 0 ? line : line.slice(0, at);
      const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
      if (field === 'event') e.event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') e.id = value;
    }
    if (data.length === 0 && e.event === 'message') return;
    e.data = data.join('\n');
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.match(e)) continue;
      waiters.delete(w);
      w.resolve(e);
    }
  };

  const first = new Promise<void>((resolve, reject) => {
    waiters.add({ match: () => true, resolve: () => resolve() });
    failAll.add(reject);
  });

  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          dispatch(buf.slice(0, at));
          buf = buf.slice(at + 2);
        }
      }
      ended = new Error(`${url}: the server closed the stream`);
    } catch (e) {
      ended = e instanceof Error ? e : new Error(String(e));
    }
    for (const f of failAll) f(ended);
  })();

  const firstTimer = setTimeout(
    () => ac.abort(new Error(`${url}: no first event within ${opts.timeoutMs ?? 5_000} ms`)),
    opts.timeoutMs ?? 5_000,
  );
  try {
    await first;
  } finally {
    clearTimeout(firstTimer);
  }

  return {
    events,
    waitFor(match, timeoutMs) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      if (ended) return Promise.reject(ended);
      return new Promise<SseEvent>((resolve, reject) => {
        const w = {
          match,
          resolve: (e: SseEvent) => {
            clearTimeout(t);
            failAll.delete(fail);
            resolve(e);
          },
        };
        const fail = (e: Error) => {
          clearTimeout(t);
          waiters.delete(w);
          reject(e);
        };
        const t = setTimeout(
          () =>
            fail(new Error(`${url}: no matching event within ${timeoutMs} ms (${events.length} received)`)),
          timeoutMs,
        );
        waiters.add(w);
        failAll.add(fail);
      });
    },
    close: () => ac.abort(),
  };
}
