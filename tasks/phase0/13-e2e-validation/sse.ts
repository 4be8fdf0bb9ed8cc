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

/** One SSE block (the lines between blank lines) as an event; undefined for a comment or keep-alive. */
export function parseBlock(block: string): SseEvent | undefined {
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
  if (data.length === 0 && e.event === 'message') return undefined;
  e.data = data.join('\n');
  return e;
}

type Waiter = { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void };

/** The events received so far, who waits for which, and how the stream ended. */
class Stream {
  readonly events: SseEvent[] = [];
  readonly waiters = new Set<Waiter>();
  readonly failAll = new Set<(e: Error) => void>();
  ended: Error | undefined;

  dispatch(block: string) {
    const e = parseBlock(block);
    if (!e) return;
    this.events.push(e);
    for (const w of [...this.waiters]) {
      if (!w.match(e)) continue;
      this.waiters.delete(w);
      w.resolve(e);
    }
  }

  /** Reads the body to its end, dispatching each block; every waiter fails when it ends. */
  async pump(url: string, body: AsyncIterable<Uint8Array>) {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of body) {
        buf += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
        let at: number;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          this.dispatch(buf.slice(0, at));
          buf = buf.slice(at + 2);
        }
      }
      this.ended = new Error(`${url}: the server closed the stream`);
    } catch (e) {
      this.ended = e instanceof Error ? e : new Error(String(e));
    }
    for (const f of this.failAll) f(this.ended);
  }

  waitFor(url: string, match: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<SseEvent>((resolve, reject) => {
      const w: Waiter = {
        match,
        resolve: (e) => {
          clearTimeout(t);
          this.failAll.delete(fail);
          resolve(e);
        },
      };
      const fail = (e: Error) => {
        clearTimeout(t);
        this.waiters.delete(w);
        reject(e);
      };
      const t = setTimeout(
        () =>
          fail(
            new Error(`${url}: no matching event within ${timeoutMs} ms (${this.events.length} received)`),
          ),
        timeoutMs,
      );
      this.waiters.add(w);
      this.failAll.add(fail);
    });
  }
}

/** Opens the stream and resolves once the response headers arrived and the first event (the demo's `subscribed`) was read. */
export async function openEventStream(url: string, opts: { timeoutMs?: number } = {}): Promise<EventStream> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error(`${url}: no answer within ${timeoutMs} ms`)), timeoutMs);
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
  const s = new Stream();
  const first = new Promise<void>((resolve, reject) => {
    s.waiters.add({ match: () => true, resolve: () => resolve() });
    s.failAll.add(reject);
  });
  void s.pump(url, res.body as unknown as AsyncIterable<Uint8Array>);
  const firstTimer = setTimeout(
    () => ac.abort(new Error(`${url}: no first event within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    await first;
  } finally {
    clearTimeout(firstTimer);
  }
  return {
    events: s.events,
    waitFor: (match, ms) => s.waitFor(url, match, ms),
    close: () => ac.abort(),
  };
}
