// The demo's event: what POST /events accepts (validated by Fastify's ajv from this schema, so a
// bad body is a 400 before anything reaches Kafka) and what travels on the topic and the stream.
import { randomUUID } from 'node:crypto';

export const EVENT_TYPE_PATTERN = '^[a-z][a-z0-9]*(\\.[a-z][a-z0-9]*)*$';

export const postEventSchema = {
  body: {
    type: 'object',
    required: ['type', 'payload'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', minLength: 1, maxLength: 100, pattern: EVENT_TYPE_PATTERN },
      payload: { type: 'object' },
      key: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
} as const;

export interface PostEventBody {
  /** Dotted lowercase name, e.g. `order.placed`. */
  type: string;
  payload: Record<string, unknown>;
  /** Kafka key (partitioning); default the event id. */
  key?: string;
}

export interface DemoEvent {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  producedAt: string;
}

export function newEvent(body: PostEventBody): DemoEvent {
  return { id: randomUUID(), type: body.type, payload: body.payload, producedAt: new Date().toISOString() };
}

/** Parses a consumed value; anything else on the topic is reported, not streamed. */
export function parseEvent(value: string): DemoEvent | undefined {
  try {
    const v = JSON.parse(value) as Partial<DemoEvent>;
    if (
      typeof v.id === 'string' &&
      typeof v.type === 'string' &&
      typeof v.payload === 'object' &&
      v.payload !== null
    ) {
      return {
        id: v.id,
        type: v.type,
        payload: v.payload as Record<string, unknown>,
        producedAt: String(v.producedAt ?? ''),
      };
    }
  } catch {
    /* not JSON: fall through */
  }
  return undefined;
}
