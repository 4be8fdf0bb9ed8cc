// 0-4.ac1: every scrape target of the live Prometheus, one check each (the jobs come from its
// /api/v1/targets, so the specs are made from one reading of it), a failing check for each core
// job it lacks, and the summary over all of them.
import { defineCheck, type DefinedCheck, type Measurement } from '../../../validation/lib/define-check.ts';
import type { ActiveTarget } from '../../../validation/lib/prometheus.ts';
import { CORE_JOBS, STARTED_ELSEWHERE, startedElsewhere, type Scrape } from './scrape.ts';

const targetSpec = (job: string) =>
  ({
    id: `0-4.target.${job}`,
    criteria: ['0-4.ac1'],
    title: `scrape target ${job} is up`,
    needs: 'prometheus',
    proof: 'live',
  }) as const;

/** Up: pass; down but started by another seed task: skip naming it; otherwise a fail with Prometheus's error. */
function targetVerdict(t: ActiveTarget): Measurement {
  const job = t.labels.job ?? '?';
  if (t.health === 'up') return { measured: 'up', evidence: t.scrapeUrl };
  if (startedElsewhere(job))
    return {
      skip: `${job} is not running yet (seed task ${STARTED_ELSEWHERE[job]} starts it): ${t.lastError || t.health}`,
      evidence: t.scrapeUrl,
    };
  return { measured: t.health, evidence: t.scrapeUrl, problems: [t.lastError || `target ${t.health}`] };
}

/** Core roles with none of their job names among the active targets. */
function missingCoreJobs(targets: readonly ActiveTarget[]): string[] {
  const jobs = new Set(targets.map((t) => t.labels.job));
  return Object.entries(CORE_JOBS)
    .filter(([, names]) => !names.some((n) => jobs.has(n)))
    .map(([job]) => job);
}

/** The jobs that fail: targets down that no other task starts, and core jobs with no target. */
function notScraped(targets: readonly ActiveTarget[]): string[] {
  const down = targets.filter((t) => targetVerdict(t).problems?.length).map((t) => t.labels.job ?? '?');
  return [...down, ...missingCoreJobs(targets)];
}

const targetsSummary = (s: Scrape) =>
  defineCheck(
    { id: '0-4.targets', criteria: ['0-4.ac1'], title: 'scrape targets of the active target', needs: 'prometheus', proof: 'live' },
    (): Measurement => {
      const up = s.targets.filter((t) => t.health === 'up').length;
      const failed = notScraped(s.targets);
      return {
        measured: `${up}/${s.targets.length}`,
        unit: 'up',
        evidence: `${s.targets.map((t) => `${t.labels.job}=${t.health}`).join(', ')} (after ${s.waitedMs} ms; waits up to ${s.waitMs / 1000} s for a scrape after a restart)`,
        problems: failed.length > 0 ? [`not scraped: ${failed.join(', ')}`] : [],
      };
    },
  );

/** One check per active target, one failing check per missing core job, then the summary. */
export function targetChecks(s: Scrape): DefinedCheck[] {
  return [
    ...s.targets.map((t) => defineCheck(targetSpec(t.labels.job ?? '?'), () => targetVerdict(t))),
    ...missingCoreJobs(s.targets).map((job) =>
      defineCheck(targetSpec(job), () => ({
        problems: [`Prometheus has no scrape job '${job}'; check its config`],
      })),
    ),
    targetsSummary(s),
  ];
}
