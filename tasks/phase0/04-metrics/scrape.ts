// What the live Prometheus scrapes, read once per verify: the active targets (after waiting for
// a target restarted just before to be scraped again), which service jobs are down and why, and
// every metric name it knows. The target, rule and dashboard checks all judge this one reading.
import type { ActiveTarget, Prom } from '../../../validation/lib/prometheus.ts';
import { recordingRules } from './rules.ts';

/**
 * Scrape jobs every target must have, by role, with the job names each target uses (native and
 * compose name them alike; kube-prometheus-stack names its own). Other jobs (services) may be
 * down, and the check says so.
 */
export const CORE_JOBS: Readonly<Record<string, readonly string[]>> = {
  prometheus: ['prometheus', 'kube-prometheus-stack-prometheus'],
  kafka: ['kafka'],
  'kafka-lag-exporter': ['kafka-lag-exporter'],
  node: ['node', 'node-exporter'],
};

/**
 * Jobs of processes that other seed tasks start (the demo: 0-13; natively the log and trace
 * backends: 0-5, 0-6). Prometheus scrapes them from the start, so while `up 0-4` or a test of the
 * metrics stack alone runs without them their targets read down: a skip naming the task that
 * starts them, not a 0-4 failure (and not a reason to wait).
 */
export const STARTED_ELSEWHERE: Readonly<Record<string, string>> = {
  'demo-service': '0-13',
  victorialogs: '0-5',
  otelcol: '0-5',
  jaeger: '0-6',
};
export const startedElsewhere = (job: string) => Object.hasOwn(STARTED_ELSEWHERE, job);

/**
 * A target restarted just before (0-3's durability check restarts the broker) reads `down` until
 * Prometheus scrapes it again: wait, bounded by two scrape intervals, for every target to be up
 * before judging (service jobs excepted), so verify gives the same answer run after run.
 */
export const TARGETS_WAIT_MS = 35_000;

export interface Scrape {
  prom: Prom;
  targets: ActiveTarget[];
  /** How long the wait for the targets took. */
  waitedMs: number;
  waitMs: number;
  /** Every metric name Prometheus knows (series or scraped metadata). */
  known: Set<string>;
  /** Recording rule name → expression, to follow a rule to the metrics it reads. */
  recording: ReadonlyMap<string, string>;
  /** Service jobs that are down: job → reason, for the skips of the checks over their series. */
  down: ReadonlyMap<string, string>;
}

/** What an export check needs of a scrape. */
export type Exported = Pick<Scrape, 'known' | 'recording' | 'down'>;

async function waitForTargets(prom: Prom, waitMs: number): Promise<ActiveTarget[]> {
  let { activeTargets } = await prom.targets();
  const deadline = Date.now() + waitMs;
  // Jobs other tasks start may simply not run yet: their down is a skip, nothing to wait for.
  const coreDown = () => activeTargets.some((t) => t.health !== 'up' && !startedElsewhere(t.labels.job ?? ''));
  while (coreDown() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    ({ activeTargets } = await prom.targets());
  }
  return activeTargets;
}

function downServices(targets: readonly ActiveTarget[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of targets) {
    const job = t.labels.job ?? '';
    if (startedElsewhere(job) && t.health !== 'up')
      out.set(job, `${job} is not up at ${t.scrapeUrl} (${t.lastError || t.health})`);
  }
  return out;
}

export async function readScrape(prom: Prom, root: string, waitMs = TARGETS_WAIT_MS): Promise<Scrape> {
  const t0 = performance.now();
  const targets = await waitForTargets(prom, waitMs);
  const waitedMs = Math.round(performance.now() - t0);
  return {
    prom,
    targets,
    waitedMs,
    waitMs,
    known: await prom.knownMetrics(),
    recording: recordingRules(root),
    down: downServices(targets),
  };
}
