// A report row from the checks that cover it (each check one part of the row) and the counts the
// summary shows: how statuses aggregate and how strong a row's proof is.
import { PROOF_STRENGTH, type Check, type CheckStatus, type Proof } from '../../tasks/engine/task.ts';
import type { Row, RowCounts, RowProof, RowStatus } from './report.ts';

const weakest = (checks: readonly Check[]): RowProof =>
  checks.length === 0
    ? 'none'
    : checks
        .map((c) => c.proof)
        .reduce((a, b) => (PROOF_STRENGTH.indexOf(a) >= PROOF_STRENGTH.indexOf(b) ? a : b));

export const substituteText = (c: Check) =>
  c.substitute ? `${c.substitute.by} for ${c.substitute.for}` : undefined;

/**
 * One row from the checks covering it, each a part: any fail → fail; passes and no skip → pass;
 * passes and skips → partial (the skipped parts are the reason); only skips → skip.
 */
export function aggregate(
  id: string,
  text: string,
  checks: Check[],
  noCheck: { status: CheckStatus; reason: string },
  task?: string,
  least: Proof = 'static',
): Row {
  const join = (xs: readonly Check[], f: (c: Check) => string | number | undefined) => {
    const v = [
      ...new Set(
        xs
          .map(f)
          .filter((x) => x !== undefined && x !== '')
          .map(String),
      ),
    ];
    return v.length ? v.join('; ') : undefined;
  };
  if (checks.length === 0)
    return { id, task, text, status: noCheck.status, proof: 'none', reason: noCheck.reason, checks: [] };
  const by = (st: CheckStatus) => checks.filter((c) => c.status === st);
  const [passed, failed] = [by('pass'), by('fail')];
  // A skip whose part a named stand-in proves is covered when the row has a passing substitute
  // check (native: VictoriaLogs for Loki); any other skip is a part not proven.
  const substituted = passed.some((c) => c.proof === 'substitute');
  const skipped = by('skip').filter((c) => !(c.standIn && substituted));
  // A row needing running software (or a real tool) that only weaker checks passed is partial.
  const tooWeak =
    passed.length > 0 && !passed.some((c) => atLeast(c.proof, least))
      ? weakProofReason(least, passed)
      : undefined;
  const status: RowStatus = failed.length
    ? 'fail'
    : passed.length && (skipped.length || tooWeak)
      ? 'partial'
      : passed.length
        ? 'pass'
        : 'skip';
  const deciding = status === 'fail' ? failed : passed;
  const substitutes = [...new Set(deciding.map(substituteText).filter((x): x is string => !!x))];
  return {
    id,
    task,
    text,
    status,
    proof: weakest(deciding),
    ...(substitutes.length ? { substitutes } : {}),
    measured: join(checks, (c) =>
      c.measured === undefined ? undefined : `${c.measured}${c.unit ? ` ${c.unit}` : ''}`,
    ),
    threshold: join(checks, (c) => c.threshold),
    evidence: join(checks, (c) => c.evidence),
    // A partial names only the parts not proven; a stand-in's skip that is covered is no reason.
    reason:
      [
        status === 'partial' ? tooWeak : undefined,
        join(status === 'partial' ? skipped : checks, (c) =>
          c.status === 'pass'
            ? undefined
            : c.reason
              ? `${status === 'partial' ? 'not proven: ' : ''}${c.id}: ${c.reason}`
              : undefined,
        ),
      ]
        .filter((x) => x)
        .join('; ') || undefined,
    checks: checks.map((c) => `${c.id} (${c.status}, ${c.proof})`),
  };
}

/** Is proof `p` at least as strong as `least`? */
const atLeast = (p: Proof, least: Proof) => PROOF_STRENGTH.indexOf(p) <= PROOF_STRENGTH.indexOf(least);

const weakProofReason = (least: Proof, passed: readonly Check[]) =>
  `needs ${least === 'rendered' ? 'a real tool run on the artifact' : 'running software'} (least proof ${least}); ` +
  `passed only on ${[...new Set(passed.map((c) => c.proof))].join('/')} proof: ${passed.map((c) => c.id).join(', ')}`;

const byProof = (xs: readonly { status: string; proof: string }[]): Record<Proof, number> =>
  Object.fromEntries(
    PROOF_STRENGTH.map((p) => [p, xs.filter((x) => x.status === 'pass' && x.proof === p).length]),
  ) as Record<Proof, number>;

export const countRows = (xs: readonly Row[]): RowCounts => ({
  pass: xs.filter((x) => x.status === 'pass').length,
  partial: xs.filter((x) => x.status === 'partial').length,
  fail: xs.filter((x) => x.status === 'fail').length,
  skip: xs.filter((x) => x.status === 'skip').length,
  passByProof: byProof(xs),
});

export const countChecks = (xs: readonly Check[]) => ({
  pass: xs.filter((x) => x.status === 'pass').length,
  fail: xs.filter((x) => x.status === 'fail').length,
  skip: xs.filter((x) => x.status === 'skip').length,
  passByProof: byProof(xs),
});

/** "71 pass: 40 live, 10 substitute, 12 rendered, 9 static; 2 partial; 1 fail; 40 skip". */
export function summaryLine(c: RowCounts): string {
  const proofs = PROOF_STRENGTH.filter((p) => c.passByProof[p] > 0).map((p) => `${c.passByProof[p]} ${p}`);
  return `${c.pass} pass${proofs.length ? `: ${proofs.join(', ')}` : ''}; ${c.partial} partial; ${c.fail} fail; ${c.skip} skip`;
}
