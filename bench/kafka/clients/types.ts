// What the runners need from a Kafka client: send a batch of values to one partition and
// learn when it is acknowledged; consume values with the time they arrived.
import type { Acks, ClientName, Compression } from '../args.ts';

export interface ClientConfig {
  bootstrap: string;
  acks: Acks;
  compression: Compression;
  inFlight: number;
  /** Request timeout: a broker that stops answering fails the send within about this. */
  requestTimeoutMs: number;
  clientId: string;
}

export interface ProducerDriver {
  readonly name: ClientName;
  /** One line on how this client batches, printed with its results. */
  readonly batchingNote: string;
  connect(): Promise<void>;
  /** Sends `values` to `partition` of `topic`; resolves when acknowledged (per acks). */
  send(topic: string, partition: number, values: Buffer[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumerDriver {
  /** Subscribes from the earliest offset; resolves once partitions are assigned. */
  start(topic: string, onMessage: (value: Buffer) => void): Promise<void>;
  close(): Promise<void>;
}

/** Resolves `p`, or rejects after `ms` so shutdown of a dead connection cannot hang the run. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
