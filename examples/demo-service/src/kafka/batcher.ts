// Batches concurrent produce() calls into one produce request, the way the Java client's
// linger.ms does, so a service under load sends few large requests instead of one request per
// HTTP call. Each caller still waits for its own acknowledgement: the batch resolves every
// caller with its own offset only after the broker acknowledged the whole batch.
//
// What is queued goes out when fewer than `maxInFlight` sends are outstanding, after
// `lingerMs` (0: at the end of the current event-loop turn, so a lone request is not delayed).
// While the in-flight limit is reached the queue grows, and the next batch takes all of it:
// batches grow with load by themselves. A message larger than `soloBytes` is sent alone, so a
// message the broker refuses as too large fails by itself and never takes others with it.
import type { Delivery, OutgoingMessage } from './bus.ts';

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
  /** Messages larger than this travel alone. */
  soloBytes: number;
  lingerMs: number;
}

interface Entry extends Queued {
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

  const takeBatch = (): Entry[] => {
    const first = queue[0]!;
    if (first.bytes > o.soloBytes) return queue.splice(0, 1);
    let bytes = 0;
    let n = 0;
    while (n < queue.length && n < o.maxBatchMessages) {
      const e = queue[n]!;
      if (e.bytes > o.soloBytes || bytes + e.bytes > o.maxBatchBytes) break;
      bytes += e.bytes;
      n++;
    }
    return queue.splice(0, n);
  };

  const flush = (): void => {
    scheduled = false;
    while (queue.length > 0 && inFlight < o.maxInFlight) {
      const batch = takeBatch();
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
          schedule();
        });
    }
  };

  const schedule = (): void => {
    if (scheduled || queue.length === 0 || inFlight >= o.maxInFlight) return;
    scheduled = true;
    if (o.lingerMs > 0) setTimeout(flush, o.lingerMs);
    else setImmediate(flush);
  };

  return (topic, message) =>
    new Promise<Delivery>((resolve, reject) => {
      queue.push({ topic, message, bytes: recordBytes(message), resolve, reject });
      schedule();
    });
}
