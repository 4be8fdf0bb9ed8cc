// STAND-IN for the Kafka broker, for unit tests of the HTTP layer only: an in-memory EventBus
// whose availability a test switches. The integration tests use a real broker (KAFKA_BROKERS).
import {
  BusUnavailableError,
  MessageTooLargeError,
  type Delivery,
  type EventBus,
  type IncomingMessage,
  type MessageHandler,
  type OutgoingMessage,
  type TopicSpec,
} from '../../src/kafka/bus.ts';

export class MemoryBus implements EventBus {
  available = true;
  /** Like the broker's message.max.bytes: a larger value is refused and nothing is stored. */
  maxMessageBytes = 1_048_588;
  readonly produced: { topic: string; message: OutgoingMessage; delivery: Delivery }[] = [];
  readonly topics = new Map<string, number>();
  private handler: MessageHandler | undefined;

  async produce(topic: string, message: OutgoingMessage): Promise<Delivery> {
    if (!this.available) throw new BusUnavailableError('kafka: stand-in broker is switched off');
    if (Buffer.byteLength(message.value) > this.maxMessageBytes)
      throw new MessageTooLargeError('kafka: stand-in broker: the message is larger than its limit');
    const delivery = {
      topic,
      partition: 0,
      offset: String(this.produced.filter((p) => p.topic === topic).length),
    };
    this.produced.push({ topic, message, delivery });
    const incoming: IncomingMessage = {
      topic,
      partition: 0,
      offset: delivery.offset,
      key: message.key,
      value: message.value,
      headers: { ...message.headers },
      timestamp: Date.now(),
    };
    await this.handler?.(incoming);
    return delivery;
  }

  consume(_options: unknown, handler: MessageHandler): void {
    this.handler = handler;
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    if (!this.available) throw new BusUnavailableError('kafka: stand-in broker is switched off');
    for (const t of topics) if (!this.topics.has(t.topic)) this.topics.set(t.topic, t.partitions);
  }

  async ready() {
    return this.available
      ? { ok: true, detail: 'stand-in broker on' }
      : { ok: false, detail: 'stand-in broker off' };
  }

  async close(): Promise<void> {
    this.handler = undefined;
  }
}
