// One POST /events, followed: the demo's readiness (waited for, bounded), the Prometheus baseline
// before the request, the SSE stream opened before it, the POST with a traceparent we chose, and
// the event arriving on the stream. Done once per verify; the request checks (request-checks.ts)
// each read their part of the outcome.
import { randomBytes } from 'node:crypto';
import type { PlatformContext } from '../../context.ts';
import { DEMO_SERVICE, isAvailable } from '../../targets/target.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { http, poll } from '../../../validation/lib/http.ts';
import { openEventStream } from './sse.ts';
import { perVerify } from '../../../validation/lib/per-verify.ts';

/**
 * The demo may still be reconnecting when verify reaches it (0-3's durability check restarts the
 * broker just before): wait, bounded, for its own readiness, and report how long that took.
 */
export const READY_WAIT_MS = 30_000;
const SSE_WAIT_MS = 20_000;

export const POSTS_QUERY = `sum(http_requests_total{job="${DEMO_SERVICE}",method="POST",route="/events",status_code="201"})`;

export type Health = { h: number; r: number; text: string; waitedMs: number } | { error: string };
export type Posted =
  | {
      status: number;
      ms: number;
      text: string;
      body: { id?: string; topic?: string; partition?: number; offset?: string };
    }
  | { error: string };

export interface Followed {
  demo: string;
  health: Health;
  healthy: boolean;
  /** The baseline of POSTS_QUERY before the request (Prometheus available): a value, none yet, or why it failed. */
  baseline?: { value?: number } | { error: string };
  traceId: string;
  postedAt: number;
  post?: Posted;
  /** The POST answered 201 with an offset. */
  produced: boolean;
  sse?: { ms: number; id?: string } | { error: string };
}

/** Sum of a PromQL instant query, or undefined when it has no result yet. */
export async function promValue(prom: string, query: string): Promise<number | undefined> {
  const r = await http(`${prom}/api/v1/query?${new URLSearchParams({ query })}`, { timeoutMs: 5_000 });
  if (r.status !== 200)
    throw new Error(`Prometheus /api/v1/query answered ${r.status}: ${r.text.slice(0, 200)}`);
  const body = JSON.parse(r.text) as { data?: { result?: { value?: [number, string] }[] } };
  const v = body.data?.result?.[0]?.value?.[1];
  return v === undefined ? undefined : Number(v);
}

async function waitHealthy(demo: string): Promise<Health> {
  const t0 = Date.now();
  let last: { h: number; r: number; text: string } | undefined;
  let lastError = '';
  await poll(
    async () => {
      try {
        const h = await http(`${demo}/health`, { timeoutMs: 5_000 });
        const r = await http(`${demo}/ready`, { timeoutMs: 10_000 });
        last = { h: h.status, r: r.status, text: r.text };
        return h.status === 200 && r.status === 200 ? true : undefined;
      } catch (e) {
        lastError = errText(e);
        return undefined;
      }
    },
    READY_WAIT_MS,
    500,
  );
  return last ? { ...last, waitedMs: Date.now() - t0 } : { error: lastError };
}

async function post(demo: string, traceId: string, postedAt: number): Promise<Posted> {
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  try {
    const r = await http(`${demo}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent },
      body: JSON.stringify({
        type: 'verify.e2e',
        payload: { traceId, at: new Date(postedAt).toISOString() },
      }),
      timeoutMs: 15_000,
    });
    return {
      status: r.status,
      ms: r.ms,
      text: r.text,
      body: JSON.parse(r.text || '{}') as Extract<Posted, { body: unknown }>['body'],
    };
  } catch (e) {
    return { error: `POST ${demo}/events: ${errText(e)}` };
  }
}

async function follow(ctx: PlatformContext, demo: string): Promise<Followed> {
  const health = await waitHealthy(demo);
  const healthy = !('error' in health) && health.h === 200 && health.r === 200;
  // We choose the trace id: the request's SERVER span continues our traceparent.
  const traceId = randomBytes(16).toString('hex');
  const out: Followed = { demo, health, healthy, traceId, postedAt: Date.now(), produced: false };
  if (!healthy) return out;
  const prom = ctx.target.endpoints().prometheus;
  // The baseline: no series yet is 0 (the first 201 creates it); a failed query is no baseline at
  // all, and then no value of the counter can show that it moved.
  if (isAvailable(prom))
    out.baseline = await promValue(prom.url, POSTS_QUERY).then(
      (value) => (value === undefined ? {} : { value }),
      (e: unknown) => ({ error: errText(e) }),
    );
  const stream = await openEventStream(`${demo}/events/stream`, { timeoutMs: 10_000 }).catch(
    (e: unknown) => e as Error,
  );
  try {
    out.postedAt = Date.now();
    out.post = await post(demo, traceId, out.postedAt);
    out.produced =
      !('error' in out.post) && out.post.status === 201 && typeof out.post.body.offset === 'string';
    if (!out.produced) return out;
    if (stream instanceof Error) {
      out.sse = { error: stream.message };
      return out;
    }
    const id = (out.post as Extract<Posted, { body: unknown }>).body.id;
    out.sse = await stream
      .waitFor((e) => e.event === 'event' && (JSON.parse(e.data) as { id?: string }).id === id, SSE_WAIT_MS)
      .then(
        (got) => ({ ms: Date.now() - out.postedAt, ...(got.id ? { id: got.id } : {}) }),
        (e: unknown) => ({ error: errText(e) }),
      );
    return out;
  } finally {
    if (!(stream instanceof Error)) stream.close();
  }
}

/** The one followed request of this verify (started by the first check that asks). */
export const followOf = perVerify((ctx: PlatformContext, demo: string): Promise<Followed> =>
  follow(ctx, demo),
);
