// REQ-0.5 ("the CI pipeline completes in < 5 minutes") on the whole pipeline: `.ci/run` clears
// `.platform/ci-timings.json` when it starts and records its own wall time, exit code and commit
// when it ends (scripts/ci-timed.ts --pipeline). 0-8.duration and 0-13.ci-duration both judge that
// one figure. A record of another commit measured other code: it is "stale", a skip naming the
// command that refreshes it, never a pass. Nobody types the figure in: only the run writes it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { check, type Check } from '../../tasks/engine/task.ts';

/** REQ-0.5's bound, seconds. */
export const PIPELINE_BOUND_S = 300;
/** What refreshes the record (from a clean clone; see docs/developer-guide/ci-cd-pipeline.md). */
export const REFRESH = 'CI=true bash .ci/run';

export interface StepTiming {
  step: string;
  command: string;
  seconds: number;
  exitCode: number;
  finishedAt: string;
  loadAverage?: number[];
}
export interface PipelineTiming {
  seconds: number;
  exitCode: number;
  finishedAt: string;
  /** 1-minute load average when the run started and ended. */
  loadAverage?: number[];
}
/** `.platform/ci-timings.json`, written by one `.ci/run` from its start. */
export interface CiTimings {
  /** The full commit id the run measured. */
  commit?: string;
  startedAt?: string;
  steps: Record<string, StepTiming>;
  pipeline?: PipelineTiming;
}

export const timingsFile = (platformDir: string) => path.join(platformDir, 'ci-timings.json');

export function readCiTimings(file: string): CiTimings | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as CiTimings;
  } catch {
    return undefined;
  }
}

export async function headCommit(root: string): Promise<string | undefined> {
  try {
    return (await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

const short = (c: string) => c.slice(0, 12);

/** The judgement, from the record and the commit being verified (pure: the test drives it). */
export function judgePipeline(
  t: CiTimings | undefined,
  head: string | undefined,
  where: string,
  meta: { id: string; criteria: string[]; title: string },
): Check {
  const base = { ...meta, proof: 'live' as const, requirement: 'REQ-0.5' };
  if (!t?.pipeline)
    return check({
      ...base,
      status: 'skip',
      reason: `no whole-pipeline run recorded in ${where}; measure it with: ${REFRESH} (from a clean clone of this commit, then copy its .platform/ci-timings.json here)`,
    });
  if (!t.commit || !head || t.commit !== head)
    return check({
      ...base,
      status: 'skip',
      reason: `stale: ${where} measured commit ${t.commit ? short(t.commit) : '(none recorded)'}, this checkout is at ${head ? short(head) : '(not a git checkout)'}; refresh with: ${REFRESH}`,
    });
  const p = t.pipeline;
  const steps = Object.values(t.steps ?? {})
    .map((s) => `${s.step} ${s.seconds} s`)
    .join(', ');
  const load = p.loadAverage?.length ? `; load average ${p.loadAverage.join(' → ')}` : '';
  const evidence = `.ci/run at ${short(t.commit)}: ${p.seconds} s (${steps})${load}`;
  if (p.exitCode !== 0)
    return check({
      ...base,
      status: 'fail',
      measured: p.seconds,
      unit: 's',
      threshold: `< ${PIPELINE_BOUND_S}`,
      evidence,
      reason: `the pipeline failed (exit ${p.exitCode}) after ${p.seconds} s: a failed run does not meet the bound`,
    });
  const ok = p.seconds < PIPELINE_BOUND_S;
  return check({
    ...base,
    status: ok ? 'pass' : 'fail',
    measured: p.seconds,
    unit: 's',
    threshold: `< ${PIPELINE_BOUND_S}`,
    evidence,
    ...(ok ? {} : { reason: `${p.seconds} s exceeds ${PIPELINE_BOUND_S} s` }),
  });
}

/** The check as a verify step asks it: the record under `platformDir`, HEAD of `root`. */
export async function pipelineTimeCheck(
  root: string,
  platformDir: string,
  meta: { id: string; criteria: string[]; title?: string },
): Promise<Check> {
  const file = timingsFile(platformDir);
  return judgePipeline(readCiTimings(file), await headCommit(root), path.relative(root, file) || file, {
    title: 'the whole CI pipeline (.ci/run) finishes within 5 minutes',
    ...meta,
  });
}
