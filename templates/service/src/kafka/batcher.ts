// Batches concurrent produce() calls into one produce request, the way the Java client's
// linger.ms does, so a service under load sends few large requests instead of one request per
// HTTP call. Each caller still waits for its own acknowledgement: the batch resolves every
// caller with its own offset only after the broker acknowledged the whole batch.
//
// What is queued goes out when fewer than `maxInFlight` sends are outstanding, after
// `lingerMs` (0: at the end of the current event-loop turn, so a lone request is not delayed).
// While the in-flight limit is reached the queue grows, and the next batch takes all of it:
// batches grow with load by themselves. A message larger than `soloBytes` is sent alone, so a
// message the broker refuses as too large fails by itself and never takes others with it, and
// with nothing else in flight: an idempotent producer numbers each partition's messages, and a
// refused one leaves a gap that the requests already sent behind it run into. The client then
// takes a new producer id and sends such a request again whole, writing twice what it held for
// other partitions (a topic sent 4 messages held 5). Sent alone, the refusal resets the producer
// before anything else goes out.
//
// A message still queued after `maxQueueMs` is refused and never sent: its caller has answered
// 503 by then, and sending what nobody waits for any more is what keeps an overloaded service
// overloaded. A caller so waits at most maxQueueMs plus the bound of the send it went out in.
import { BusUnavailableError, type Delivery, type OutgoingMessage } from './bus.ts';

export interface Queued {
  topic: string;
  message: OutgoingMessage;
  /** Approximate record size: key + value + headers, bytes. */
  bytes: number;
}

export interface BatcherOptions {
  /** Sends one batch; resolves with one Delivery per message, in order. */
  send(batch: Queued[]): Promise<Delivery[]>;
  maxInFlight: number;
  /** A batch is cut at this many bytes (well under the broker's 1 MiB default record batch limit). */
  maxBatchBytes: number;
  maxBatchMessages: number;
  /** Messages larger than this travel alone, with nothing else in flight. */
  soloBytes: number;
  lingerMs: number;
  /** A message not sent within this many ms of its call is refused (BusUnavailableError), unsent. */
  maxQueueMs: number;
}

/**
 * The limits both event buses batch with: five requests in flight, a batch well under the
 * broker's 1 MiB record batch default, a message over 64 KiB alone, no linger.
 */
export const BUS_BATCH_LIMITS = {
  maxInFlight: 5,
  maxBatchBytes: 512 * 1024,
  maxBatchMessages: 2_000,
  soloBytes: 64 * 1024,
  lingerMs: 0,
} as const;

interface Entry extends Queued {
  /** performance.now() after which it is refused unsent. */
  expires: number;
  resolve(d: Delivery): void;
  reject(e: unknown): void;
}

export function recordBytes(message: OutgoingMessage): number {
  let n = Buffer.byteLength(message.value) + (message.key ? Buffer.byteLength(message.key) : 0);
  for (const [k, v] of Object.entries(message.headers ?? {}))
    n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

export function createBatcher(
  o: BatcherOptions,
): (topic: string, message: OutgoingMessage) => Promise<Delivery> {
  const queue: Entry[] = [];
  let inFlight = 0;
  let scheduled = false;
  /** A solo message is in flight: nothing else goes out until it is answered. */
  let soloInFlight = false;
  let expiry: NodeJS.Timeout | undefined;
  const isSolo = (e: Entry): boolean => e.bytes > o.soloBytes;
  const canSend = (): boolean =>
    queue.length > 0 && !soloInFlight && inFlight < o.maxInFlight && (!isSolo(queue[0]!) || inFlight === 0);

  const takeBatch = (): Entry[] => {
    if (isSolo(queue[0]!)) return queue.splice(0, 1);
    let bytes = 0;
    let n = 0;
    while (n < queue.length && n < o.maxBatchMessages) {
      const e = queue[n]!;
      if (isSolo(e) || bytes + e.bytes > o.maxBatchBytes) break;
      bytes += e.bytes;
      n++;
    }
    return queue.splice(0, n);
  };

  const flush = (): void => {
    scheduled = false;
    while (canSend()) {
      const batch = takeBatch();
      const solo = isSolo(batch[0]!);
      soloInFlight = solo;
      inFlight++;
      o.send(batch)
        .then(
          (deliveries) => {
            for (let i = 0; i < batch.length; i++) batch[i]!.resolve(deliveries[i]!);
          },
          (e: unknown) => {
            for (const entry of batch) entry.reject(e);
          },
        )
        .finally(() => {
          inFlight--;
          if (solo) soloInFlight = false;
          schedule();
        });
    }
  };

  // Entries expire in the order they came, so the expired ones are always at the head.
  const expire = (): void => {
    expiry = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.expires <= now) {
      const e = queue.shift()!;
      e.reject(
        new BusUnavailableError(
          `kafka: produce to ${e.topic} waited ${o.maxQueueMs} ms behind earlier sends; not sent`,
        ),
      );
    }
    armExpiry();
  };

  const armExpiry = (): void => {
    if (expiry || queue.length === 0) return;
    expiry = setTimeout(expire, Math.max(0, queue[0]!.expires - performance.now()));
    expiry.unref();
  };

  const schedule = (): void => {
    armExpiry();
    if (scheduled || !canSend()) return;
    scheduled = true;
    if (o.lingerMs > 0) setTimeout(flush, o.lingerMs);
    else setImmediate(flush);
  };

  return (topic, message) =>
    new Promise<Delivery>((resolve, reject) => {
      const expires = performance.now() + o.maxQueueMs;
      queue.push({ topic, message, bytes: recordBytes(message), expires, resolve, reject });
      schedule();
    });
}
