// Which Kafka client the service runs on (KAFKA_CLIENT): @platformatic/kafka by default, the
// client the platform's benchmark favours (about 3× kafkajs' throughput, a third of its CPU per
// message); kafkajs stays selectable.
import type { BusOptions, EventBus } from './bus.ts';
import { createKafkajsBus } from './kafkajs.ts';
import { createPlatformaticBus } from './platformatic.ts';

export const KAFKA_CLIENTS = ['platformatic', 'kafkajs'] as const;
export type KafkaClient = (typeof KAFKA_CLIENTS)[number];
export const DEFAULT_KAFKA_CLIENT: KafkaClient = 'platformatic';

export function createBus(client: KafkaClient, opts: BusOptions): EventBus {
  return client === 'kafkajs' ? createKafkajsBus(opts) : createPlatformaticBus(opts);
}
