// A check declared as data plus a small measure function (shared/DESIGN.md "A check is declared
// as data"). The runner does what every hand-written check used to repeat: skip with the target's
// reason (and stand-in) when a needed endpoint is unavailable, turn a throw into a fail with its
// one line, turn a measured figure and a bound into a status, take the proof (and the stand-in it
// names) from the endpoint, and time the check. The result is the engine's `Check`, so the report
// and the engine keep their shape.
import { performance } from 'node:perf_hooks';
import { redact } from '../../tasks/config/redact.ts';
import type { PlatformContext } from '../../tasks/context.ts';
import { check, type Check, type Proof, type Substitute } from '../../tasks/engine/task.ts';
import { isAvailable, type Endpoints } from '../../tasks/targets/target.ts';
import type { CriterionId, RequirementId } from '../report/criteria.ts';
import { errText, firstLine } from './errors.ts';

/** What a check can need from the target: one of its endpoints. */
export type Need = keyof Endpoints;

/** A bound on the measured figure: strictly below, strictly above, or at least. */
export type Bound =
  | { below: number; unit: string }
  | { above: number; unit: string }
  | { atLeast: number; unit: string };

/** An endpoint the target provides, as the measure function receives it. */
export interface Reached {
  url: string;
  substitute?: Substitute;
}

/**
 * The proof a pass yields. `live` on a check that needs an endpoint becomes `substitute` when the
 * target says a stand-in answers there (native Kafka for Redpanda); a check that is always a
 * stand-in for the seed's component names it (`SUBSTITUTES.fastapi`).
 */
export type SpecProof =
  | { proof: Exclude<Proof, 'substitute'>; substitute?: never }
  | { proof: 'substitute'; substitute: Substitute };

export type CheckSpec<N extends Need | undefined = Need | undefined> = SpecProof & {
  /** Stable id, `<task>.<name>`: `0-11.help`. */
  id: string;
  /** Seed criteria this check proves: a typo does not compile. */
  criteria?: readonly CriterionId[];
  requirement?: RequirementId;
  title: string;
  /** The endpoint it measures; unavailable on this target → skip with the target's reason. */
  needs?: N;
  /** Turns `measured` into pass/fail and the report's threshold text. */
  bound?: Bound;
};

/** What a measure function found. Return it, or throw: a throw is a fail with its first line. */
export interface Measurement {
  measured?: number | string;
  /** Defaults to the bound's unit. */
  unit?: string;
  /** What was observed, short: a command, a URL, a count. Never a secret. */
  evidence?: string;
  figure?: Check['figure'];
  /** Parts that did not hold: any → fail, joined into the reason. */
  problems?: readonly string[];
  /** Cannot be measured here (a fact the target does not record): skip with this reason. */
  skip?: string;
  /** With `skip`: the stand-in that does this part's job here. */
  standIn?: string;
  /** A bound known only when measuring (a budget the target states); wins over the spec's. */
  bound?: Bound;
  /** Text threshold where there is no numeric bound (`all 17 seed targets`). */
  threshold?: string;
  /** The proof, where only the measurement knows it (it fell back to a weaker path). */
  proof?: SpecProof;
}

type Arg<N> = N extends Need ? Reached : undefined;
export type Measure<N extends Need | undefined> = (
  ep: Arg<N>,
  ctx: PlatformContext,
) => Promise<Measurement> | Measurement;

export interface DefinedCheck {
  readonly spec: CheckSpec;
  run(ctx: PlatformContext): Promise<Check>;
}

export const thresholdText = (b: Bound): string =>
  'below' in b ? `< ${b.below}` : 'above' in b ? `> ${b.above}` : `>= ${b.atLeast}`;

/** Why a figure misses its bound, or undefined when it holds. */
function boundMiss(b: Bound, measured: number | string | undefined, unit: string): string | undefined {
  if (typeof measured !== 'number' || !Number.isFinite(measured))
    return `no figure measured (bound ${thresholdText(b)} ${unit})`;
  if ('below' in b) return measured < b.below ? undefined : `${measured} ${unit} is not below ${b.below} ${unit}`;
  if ('above' in b) return measured > b.above ? undefined : `${measured} ${unit} is not above ${b.above} ${unit}`;
  return measured >= b.atLeast ? undefined : `${measured} ${unit} is below the required ${b.atLeast} ${unit}`;
}

/** Declares a check; `run` applies the rules above. */
export function defineCheck<N extends Need | undefined = undefined>(
  spec: CheckSpec<N>,
  measure: Measure<N>,
): DefinedCheck {
  const s = spec as CheckSpec;
  if (s.proof === 'substitute' && !s.substitute)
    throw new Error(`check ${spec.id}: proof 'substitute' names the seed's component and its stand-in`);
  return Object.freeze({ spec: s, run: (ctx: PlatformContext) => runCheck(spec, measure, ctx) });
}

async function runCheck<N extends Need | undefined>(
  spec: CheckSpec<N>,
  measure: Measure<N>,
  ctx: PlatformContext,
): Promise<Check> {
  const t0 = performance.now();
  const base = {
    id: spec.id,
    title: spec.title,
    ...(spec.criteria ? { criteria: [...spec.criteria] } : {}),
    ...(spec.requirement ? { requirement: spec.requirement } : {}),
  };
  const done = (c: Omit<Check, 'task' | 'id' | 'title' | 'durationMs'>): Check =>
    check({ ...base, ...c, durationMs: Math.round(performance.now() - t0) });
  let ep: Reached | undefined;
  if (spec.needs) {
    const e = ctx.target.endpoints()[spec.needs];
    if (!isAvailable(e))
      return done({ status: 'skip', proof: spec.proof, reason: e.unavailable, ...(e.standIn ? { standIn: e.standIn } : {}) });
    ep = e;
  }
  const proofOf = (m?: Measurement): SpecProof =>
    m?.proof ??
    (spec.proof === 'live' && ep?.substitute
      ? { proof: 'substitute', substitute: ep.substitute }
      : spec.proof === 'substitute'
        ? { proof: 'substitute', substitute: spec.substitute! }
        : { proof: spec.proof });
  let m: Measurement;
  try {
    m = await measure(ep as Arg<N>, ctx);
  } catch (e) {
    return done({ status: 'fail', ...proofOf(), reason: redact(firstLine(errText(e))) });
  }
  const bound = m.bound ?? spec.bound;
  const unit = m.unit ?? bound?.unit;
  // A skip keeps a figure it did measure (8/9 metrics exported): the row shows how far it got.
  if (m.skip !== undefined)
    return done({
      status: 'skip',
      ...proofOf(m),
      reason: m.skip,
      ...(m.standIn ? { standIn: m.standIn } : {}),
      ...(m.measured !== undefined ? { measured: m.measured, ...(unit ? { unit } : {}) } : {}),
      ...evidenceOf(m),
    });
  const misses = [...(m.problems ?? []), ...(bound ? [boundMiss(bound, m.measured, unit ?? '')] : [])].filter(
    (x): x is string => !!x,
  );
  return done({
    status: misses.length ? 'fail' : 'pass',
    ...proofOf(m),
    ...(m.measured !== undefined ? { measured: m.measured } : {}),
    ...(unit ? { unit } : {}),
    ...(bound || m.threshold ? { threshold: m.threshold ?? thresholdText(bound!) } : {}),
    ...evidenceOf(m),
    ...(m.figure ? { figure: m.figure } : {}),
    ...(misses.length ? { reason: redact(misses.join('; ')) } : {}),
  });
}

const evidenceOf = (m: Measurement) => (m.evidence ? { evidence: m.evidence } : {});

/** Runs checks one after another (several measure the same broker or process: no overlap). */
export async function runChecks(ctx: PlatformContext, checks: readonly DefinedCheck[]): Promise<Check[]> {
  const out: Check[] = [];
  for (const c of checks) out.push(await c.run(ctx));
  return out;
}
