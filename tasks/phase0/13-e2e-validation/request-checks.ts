// The request followed through the platform (follow.ts), as checks: the demo is healthy, POST
// /events produces and answers the offset, the event arrives on the SSE stream, and the request
// is counted in Prometheus as scraped. The trace and the log lines of the same request are
// trace-log-checks.ts.
import type { PlatformContext } from '../../context.ts';
import { DEMO_SERVICE, isAvailable } from '../../targets/target.ts';
import { defineCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import { poll } from '../../../validation/lib/http.ts';
import { followOf, POSTS_QUERY, promValue, READY_WAIT_MS, type Followed } from './follow.ts';

/** Prometheus scrapes every 15 s: the request must show up within a few scrapes. */
const SCRAPE_WAIT_MS = 50_000;

/** The followed request, or the skip saying why a later check has nothing to read. */
export async function produced(ctx: PlatformContext): Promise<Followed | Measurement> {
  const demo = ctx.target.endpoints().demo;
  if (!isAvailable(demo)) return { skip: demo.unavailable };
  const f = await followOf(ctx, demo.url);
  if (!f.healthy) return { skip: 'the demo service is not healthy (see 0-13.demo-health)' };
  if (!f.produced) return { skip: 'the POST did not produce an event (see 0-13.demo-produce)' };
  return f;
}
export const isFollowed = (x: Followed | Measurement): x is Followed => 'traceId' in x;

export const demoHealth = defineCheck(
  {
    id: '0-13.demo-health',
    criteria: ['0-13.ac7'],
    title: 'Demo service health endpoints return 200 (/health, /ready with Kafka)',
    proof: 'live',
    needs: 'demo',
  },
  async (demo, ctx) => {
    const { health: h } = await followOf(ctx, demo.url);
    if ('error' in h)
      throw new Error(
        `${demo.url} did not answer within ${READY_WAIT_MS / 1000} s: ${h.error}; is the demo running (tasks.ts up 0-13)?`,
      );
    const ok = h.h === 200 && h.r === 200;
    return {
      measured: `${h.h}/${h.r}`,
      evidence: `GET ${demo.url}/health → ${h.h}; /ready → ${h.r} ${h.text.slice(0, 160)}; ready after ${h.waitedMs} ms (waits up to ${READY_WAIT_MS / 1000} s for the service's own readiness)`,
      problems: ok
        ? []
        : [`not ready within ${READY_WAIT_MS / 1000} s; /ready said ${h.r} ${h.text.slice(0, 200)}`],
    };
  },
);

export const demoProduce = defineCheck(
  {
    id: '0-13.demo-produce',
    criteria: ['0-13.ac2'],
    title: 'POST /events produces to Kafka and answers with the offset',
    proof: 'live',
    needs: 'demo',
  },
  async (demo, ctx) => {
    const f = await followOf(ctx, demo.url);
    if (!f.healthy) throw new Error('the demo service is not healthy (see 0-13.demo-health)');
    const p = f.post!;
    if ('error' in p) throw new Error(p.error);
    const b = p.body;
    return {
      measured: Math.round(p.ms),
      unit: 'ms',
      evidence: `POST ${demo.url}/events → ${p.status} topic ${b.topic} partition ${b.partition} offset ${b.offset}`,
      problems: f.produced ? [] : [`expected 201 with an offset, got ${p.status} ${p.text.slice(0, 200)}`],
    };
  },
);

export const demoSse = defineCheck(
  {
    id: '0-13.demo-sse',
    criteria: ['0-13.ac3'],
    title: 'The produced event arrives on GET /events/stream (consumed from Kafka)',
    proof: 'live',
  },
  async (_, ctx) => {
    const f = await produced(ctx);
    if (!isFollowed(f)) return f;
    const s = f.sse!;
    if ('error' in s) throw new Error(s.error);
    const id = 'body' in f.post! ? f.post.body.id : undefined;
    return {
      measured: s.ms,
      unit: 'ms',
      evidence: `event ${id} on ${f.demo}/events/stream (SSE id ${s.id}) ${s.ms} ms after the POST`,
    };
  },
);

export const demoMetricsScraped = defineCheck(
  {
    id: '0-13.demo-metrics-scraped',
    criteria: ['0-13.ac4'],
    title: 'The request is visible in the demo metrics as scraped by Prometheus',
    proof: 'live',
    needs: 'prometheus',
  },
  async (prom, ctx) => {
    const f = await produced(ctx);
    if (!isFollowed(f)) return f;
    const base = f.baseline ?? { error: 'Prometheus was not available before the request' };
    if ('error' in base)
      throw new Error(
        `the baseline query before the request failed (${base.error}), so no value after it can show the counter moved`,
      );
    const t0 = Date.now();
    const after = await poll(
      async () => {
        const v = await promValue(prom.url, POSTS_QUERY);
        return v !== undefined && v > (base.value ?? 0) ? v : undefined;
      },
      SCRAPE_WAIT_MS,
      1_000,
    );
    return {
      ...(after !== undefined ? { measured: Math.round((Date.now() - t0) / 100) / 10 } : {}),
      unit: 's',
      evidence: `${POSTS_QUERY}: ${base.value ?? 'no series'} → ${after ?? 'unchanged'} (job demo-service on ${prom.url})`,
      problems:
        after !== undefined
          ? []
          : [
              `the counter did not move within ${SCRAPE_WAIT_MS / 1000} s: is job ${DEMO_SERVICE} up in ${prom.url}/targets?`,
            ],
    };
  },
);
