// The service's own messaging interface. Routes and handlers depend on this, never on a Kafka
// client library: platformatic.ts (@platformatic/kafka, the default) and kafkajs.ts implement
// it, and KAFKA_CLIENT picks one at start (client.ts).
import type { Logger } from 'pino';

/** What every implementation is built from (the service's config). */
export interface BusOptions {
  clientId: string;
  brokers: string[];
  /**
   * Bound on connect/produce/metadata, ms. A produce() waits at most this long to be sent (else it
   * is refused unsent) and this long for its answer: at most twice the bound in all.
   */
  timeoutMs: number;
  logger: Logger;
}

export interface OutgoingMessage {
  key?: string;
  value: string;
  headers?: Record<string, string>;
}

/** Where the broker stored a produced message. Offsets are strings: they exceed 2^53 in long-lived topics. */
export interface Delivery {
  topic: string;
  partition: number;
  offset: string;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  value: string;
  headers: Record<string, string>;
  /** Broker timestamp, ms since the epoch. */
  timestamp: number;
}

export type MessageHandler = (message: IncomingMessage) => Promise<void>;

export interface ConsumeOptions {
  topics: string[];
  groupId: string;
  /** A new consumer group starts at the earliest offset instead of the latest. */
  fromBeginning?: boolean;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

export interface Readiness {
  ok: boolean;
  /** One line: what answered, or what did not. */
  detail: string;
}

export interface EventBus {
  /**
   * Sends one message; resolves once the broker acknowledged it (acks=all). Throws
   * BusUnavailableError when it cannot, MessageTooLargeError when the broker refuses its size.
   */
  produce(topic: string, message: OutgoingMessage): Promise<Delivery>;
  /**
   * Starts a consumer that calls `handler` for every message, one at a time per partition. Returns
   * at once; while the broker is away it keeps reconnecting in the background until close().
   */
  consume(options: ConsumeOptions, handler: MessageHandler): void;
  /** Creates the topics that do not exist yet (existing ones are left alone). */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  /** Does the broker answer now, and has the consumer (if any) joined its group? Bounded in time. */
  ready(): Promise<Readiness>;
  /** Stops fetching, waits for the handler in flight, leaves the group, disconnects. */
  close(): Promise<void>;
}

/** The broker could not be reached or did not acknowledge in time: the caller should answer 503. */
export class BusUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BusUnavailableError';
  }
}

/**
 * The broker refused the message as larger than its limit (message.max.bytes / the topic's
 * max.message.bytes): the caller should answer 413. Nothing of it was written.
 */
export class MessageTooLargeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageTooLargeError';
  }
}

/**
 * A partition's key in maps: `topic:partition`, the way @platformatic/kafka's stream keys its
 * positions (`offsetsToFetch`), so both buses and that map agree.
 */
export const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/** Rejects with BusUnavailableError when `work` has not settled within `ms`. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BusUnavailableError(`kafka: ${what} got no answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
