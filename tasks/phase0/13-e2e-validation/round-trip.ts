// 0-13's own proof that it is done: one event through the demo service (POST /events → Kafka →
// the demo's consumer → GET /events/stream), recorded with the identity of the processes that
// carried it. `status` is then a file read plus the components' identities (pid and start time
// natively): done while the same processes that passed the round trip are still the ones
// running, so a second `up` neither repeats the round trip nor trusts a restarted process.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Paths, PlatformContext } from '../../context.ts';
import { writeFileAtomic } from '../../engine/atomic.ts';
import { isAvailable, type ComponentId } from '../../targets/target.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { http } from '../../../validation/lib/http.ts';
import { openEventStream } from './sse.ts';

/** The components one round trip goes through: the demo service and the broker it uses. */
export const ROUND_TRIP_USES: readonly ComponentId[] = ['demo', 'event-bus'];

export interface RoundTripRecord {
  at: string;
  ms: number;
  /** Identity of each component's processes when the round trip passed. */
  processes: Record<string, string>;
}

export const roundTripFile = (paths: Paths) => path.join(paths.run, 'e2e-round-trip.json');

/**
 * The identities of the components the round trip used, or undefined when the target cannot
 * tell (no `identity` step) or a component has no running process.
 */
export async function currentIdentities(ctx: PlatformContext): Promise<Record<string, string> | undefined> {
  const out: Record<string, string> = {};
  for (const id of ROUND_TRIP_USES) {
    const c = ctx.target.components[id];
    if (!c?.identity) return undefined;
    const who = await c.identity(ctx);
    if (who === undefined) return undefined;
    out[id] = who;
  }
  return out;
}

export async function readRoundTrip(paths: Paths): Promise<RoundTripRecord | undefined> {
  try {
    return JSON.parse(await fsp.readFile(roundTripFile(paths), 'utf8')) as RoundTripRecord;
  } catch {
    return undefined;
  }
}

/** Done: the last round trip passed and the processes it used are still the same ones. */
export async function roundTripStillHolds(ctx: PlatformContext): Promise<boolean> {
  const [rec, now] = await Promise.all([readRoundTrip(ctx.paths), currentIdentities(ctx)]);
  if (!rec || !now) return false;
  return ROUND_TRIP_USES.every((id) => rec.processes[id] === now[id]);
}

/**
 * One event through the demo service and Kafka, back on its SSE stream; throws with the reason.
 * Right after the demo starts its consumer may still be joining its group and begins at the log
 * end, so an event posted in that window never reaches the stream: a new event is posted every
 * RESEND_MS until one comes back or `timeoutMs` passes.
 */
export async function roundTrip(ctx: PlatformContext, timeoutMs = 30_000): Promise<number> {
  const RESEND_MS = 3_000;
  const demo = ctx.target.endpoints().demo;
  if (!isAvailable(demo)) throw new Error(`no demo endpoint: ${demo.unavailable}`);
  const stream = await openEventStream(`${demo.url}/events/stream`, { timeoutMs: 10_000 });
  const deadline = Date.now() + timeoutMs;
  const posted = new Map<string, number>();
  try {
    for (let attempt = 1; ; attempt++) {
      const t0 = Date.now();
      const r = await http(`${demo.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'up.roundtrip', payload: { at: new Date(t0).toISOString(), attempt } }),
        timeoutMs: 15_000,
      });
      const id = (JSON.parse(r.text || '{}') as { id?: string }).id;
      if (r.status !== 201 || !id)
        throw new Error(`POST /events answered ${r.status} ${r.text.slice(0, 200)}`);
      posted.set(id, t0);
      const wait = Math.min(RESEND_MS, deadline - Date.now());
      const got = await stream
        .waitFor(
          (e) => e.event === 'event' && posted.has((JSON.parse(e.data) as { id?: string }).id ?? ''),
          wait,
        )
        .catch(() => undefined);
      if (got) return Date.now() - posted.get((JSON.parse(got.data) as { id: string }).id)!;
      if (Date.now() >= deadline)
        throw new Error(`none of ${posted.size} events came back on /events/stream within ${timeoutMs} ms`);
    }
  } finally {
    stream.close();
  }
}

/** Runs the round trip and records it with the identities of the processes it used. */
export async function proveAndRecord(ctx: PlatformContext): Promise<RoundTripRecord> {
  let ms: number;
  try {
    ms = await roundTrip(ctx);
  } catch (e) {
    throw new Error(`e2e round trip failed: ${errText(e)}`, { cause: e });
  }
  const processes = await currentIdentities(ctx);
  const rec: RoundTripRecord = { at: new Date().toISOString(), ms, processes: processes ?? {} };
  await fsp.mkdir(ctx.paths.run, { recursive: true });
  await writeFileAtomic(roundTripFile(ctx.paths), JSON.stringify(rec, null, 2) + '\n');
  ctx.log(`e2e round trip passed in ${ms} ms; processes: ${JSON.stringify(rec.processes)}`);
  return rec;
}
