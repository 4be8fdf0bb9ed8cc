// Server-Sent Events fan-out: every consumed event goes to every connected client. A client that
// disconnects is dropped at once; one that stops reading is dropped when its buffer passes a
// bound, so a slow client can never hold the consumer or the process's memory.
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseHub {
  /** Takes over the response and keeps it open until the client leaves or close() runs. */
  attach(req: FastifyRequest, reply: FastifyReply): void;
  broadcast(event: string, data: unknown, id?: string): void;
  readonly clients: number;
  /** Ends every stream (shutdown): otherwise the HTTP server would wait for them forever. */
  close(): void;
}

export interface SseOptions {
  heartbeatMs?: number;
  /** Bytes buffered for one client before it is dropped. */
  maxBufferedBytes?: number;
  onChange?: (clients: number) => void;
}

export function createSseHub(opts: SseOptions = {}): SseHub {
  const clients = new Set<FastifyReply>();
  const maxBuffered = opts.maxBufferedBytes ?? 1_048_576;
  const drop = (reply: FastifyReply) => {
    if (!clients.delete(reply)) return;
    opts.onChange?.(clients.size);
    if (!reply.raw.writableEnded) reply.raw.end();
  };
  const send = (reply: FastifyReply, chunk: string) => {
    if (reply.raw.writableLength > maxBuffered) return drop(reply);
    reply.raw.write(chunk);
  };
  const heartbeat = setInterval(() => {
    for (const c of clients) send(c, `: keep-alive\n\n`);
  }, opts.heartbeatMs ?? 15_000);
  heartbeat.unref();

  return {
    attach(req, reply) {
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      clients.add(reply);
      opts.onChange?.(clients.size);
      // The first bytes tell the client it is subscribed: events from now on reach it.
      reply.raw.write(`retry: 2000\nevent: subscribed\ndata: {}\n\n`);
      req.raw.once('close', () => drop(reply));
      reply.raw.once('error', () => drop(reply));
    },
    broadcast(event, data, id) {
      const chunk = `${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const c of clients) send(c, chunk);
    },
    get clients() {
      return clients.size;
    },
    close() {
      clearInterval(heartbeat);
      for (const c of [...clients]) drop(c);
    },
  };
}
