// Verify checks of seed task 0-4 (metrics), shared by every target: they only use endpoints.
// Prometheus ready and retention, every scrape target up (listed), the one rules source loaded
// and evaluating, every dashboard query evaluating against the live Prometheus with every metric
// it reads exported by some target, the series that must have data having it, promtool's rule
// check and unit tests, Grafana where the target has one, and the dashboard docs.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { check, type Check } from '../../engine/task.ts';
import { isAvailable, type Endpoints } from '../../targets/target.ts';
import {
  dashboardErrors,
  dashboardQueries,
  dashboardsDir,
  loadDashboards,
  type Dashboard,
} from './dashboards.ts';
import { baseMetrics, expandGrafanaVars, metricNames, providerOf } from './promql.ts';
import { allRuleGroups, RULE_FILES, recordingRules, rulesDir, SEED_ALERTS } from './rules.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { PROMTOOL_MISSING, promtoolBin } from './promtool.ts';

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
const startedElsewhere = (job: string) => Object.hasOwn(STARTED_ELSEWHERE, job);

export const DOCS_FILE = path.join('docs', 'developer-guide', 'observability-metrics.md');

interface PromResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}

interface ActiveTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export class Prom {
  readonly base: string;
  private readonly signal: AbortSignal | undefined;

  constructor(base: string, signal?: AbortSignal) {
    this.base = base;
    this.signal = signal;
  }

  async get<T>(p: string, params: Record<string, string> = {}): Promise<T> {
    const url = new URL(p, this.base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const signals = [AbortSignal.timeout(10_000), ...(this.signal ? [this.signal] : [])];
    const res = await fetch(url, { signal: AbortSignal.any(signals) });
    const body = (await res.json().catch(() => undefined)) as PromResponse<T> | undefined;
    if (!body) throw new Error(`${url.pathname}: HTTP ${res.status} without a JSON body`);
    if (body.status !== 'success')
      throw new Error(`${body.errorType ?? 'error'}: ${body.error ?? `HTTP ${res.status}`}`);
    return body.data;
  }

  query(expr: string) {
    return this.get<{ resultType: string; result: unknown[] }>('/api/v1/query', { query: expr });
  }

  targets() {
    return this.get<{ activeTargets: ActiveTarget[] }>('/api/v1/targets', { state: 'active' });
  }

  /** Every metric name Prometheus knows: series names plus names with scraped metadata (no series yet). */
  async knownMetrics(): Promise<Set<string>> {
    const names = await this.get<string[]>('/api/v1/label/__name__/values');
    const meta = await this.get<Record<string, unknown>>('/api/v1/metadata').catch(() => ({}));
    // ALERTS / ALERTS_FOR_STATE are Prometheus's own series; they exist only while an alert is active.
    return new Set([...names, ...Object.keys(meta), 'ALERTS', 'ALERTS_FOR_STATE']);
  }
}

const ms = (t0: number) => Math.round(performance.now() - t0);

export interface MetricsCheckOptions {
  root: string;
  endpoints: Endpoints;
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** The target runs Kubernetes (it has a cluster component): the default k8s dashboards apply. */
  kubernetes?: boolean;
}

/** Which service jobs are down (name → reason), for skip reasons of the service series. */
function downServices(targets: ActiveTarget[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of targets) {
    const job = t.labels.job ?? '';
    if (startedElsewhere(job) && t.health !== 'up')
      out.set(job, `${job} is not up at ${t.scrapeUrl} (${t.lastError || t.health})`);
  }
  return out;
}

/**
 * A target restarted just before (0-3's durability check restarts the broker) reads `down` until
 * Prometheus scrapes it again: wait, bounded by two scrape intervals, for every target to be up
 * before judging (service jobs excepted), so verify gives the same answer run after run.
 */
export const TARGETS_WAIT_MS = 35_000;

export async function targetChecks(
  prom: Prom,
  waitMs = TARGETS_WAIT_MS,
): Promise<{ checks: Check[]; targets: ActiveTarget[] }> {
  const t0 = performance.now();
  let { activeTargets } = await prom.targets();
  const deadline = Date.now() + waitMs;
  // Jobs other tasks start may simply not run yet: their down is a skip, nothing to wait for.
  const coreDown = () => activeTargets.some((t) => t.health !== 'up' && !startedElsewhere(t.labels.job ?? ''));
  while (coreDown() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    ({ activeTargets } = await prom.targets());
  }

  const checks: Check[] = [];
  for (const t of activeTargets) {
    const job = t.labels.job ?? '?';
    const base = {
      id: `0-4.target.${job}`,
      criteria: ['0-4.ac1'],
      title: `scrape target ${job} is up`,
      evidence: t.scrapeUrl,
    };
    if (t.health === 'up') checks.push(check({ proof: 'live', ...base, status: 'pass', measured: 'up' }));
    else if (startedElsewhere(job)) {
      checks.push(
        check({
          proof: 'live',
          ...base,
          status: 'skip',
          reason: `${job} is not running yet (seed task ${STARTED_ELSEWHERE[job]} starts it): ${t.lastError || t.health}`,
        }),
      );
    } else
      checks.push(
        check({
          proof: 'live',
          ...base,
          status: 'fail',
          measured: t.health,
          reason: t.lastError || `target ${t.health}`,
        }),
      );
  }
  const jobs = new Set(activeTargets.map((t) => t.labels.job));
  for (const [job, names] of Object.entries(CORE_JOBS)) {
    if (!names.some((n) => jobs.has(n))) {
      checks.push(
        check({
          proof: 'live',
          id: `0-4.target.${job}`,
          criteria: ['0-4.ac1'],
          title: `scrape target ${job} is up`,
          status: 'fail',
          reason: `Prometheus has no scrape job '${job}'; check its config`,
        }),
      );
    }
  }
  const up = activeTargets.filter((t) => t.health === 'up').length;
  const failed = checks.filter((c) => c.status === 'fail');
  checks.push(
    check({
      proof: 'live',
      id: '0-4.targets',
      criteria: ['0-4.ac1'],
      title: 'scrape targets of the active target',
      status: failed.length > 0 ? 'fail' : 'pass',
      reason: failed.length > 0 ? `not scraped: ${failed.map((c) => c.id.replace('0-4.target.', '')).join(', ')}` : undefined,
      measured: `${up}/${activeTargets.length}`,
      unit: 'up',
      evidence: `${activeTargets.map((t) => `${t.labels.job}=${t.health}`).join(', ')} (after ${ms(t0)} ms; waits up to ${waitMs / 1000} s for a scrape after a restart)`,
      durationMs: ms(t0),
    }),
  );
  return { checks, targets: activeTargets };
}

async function evaluateAll(prom: Prom, exprs: { where: string; expr: string }[]) {
  const failures: string[] = [];
  const empty: string[] = [];
  for (const { where, expr } of exprs) {
    try {
      const r = await prom.query(expandGrafanaVars(expr));
      if (r.result.length === 0) empty.push(where);
    } catch (e) {
      failures.push(`${where}: ${errText(e)}`);
    }
  }
  return { failures, empty };
}

/** Is every base metric of these expressions exported by some target? Service series may wait for the service. */
export function exportCheck(
  id: string,
  title: string,
  criteria: string[],
  exprs: string[],
  known: Set<string>,
  recording: ReadonlyMap<string, string>,
  down: Map<string, string>,
): Check {
  const metrics = baseMetrics(exprs.flatMap(metricNames), recording);
  const missing = metrics.filter((m) => !known.has(m));
  const waiting = missing.filter((m) => {
    const p = providerOf(m);
    return p !== undefined && down.has(p.job);
  });
  const unknown = missing.filter((m) => !waiting.includes(m));
  const evidence = `${metrics.length} metrics: ${metrics.join(', ')}`.slice(0, 600);
  if (unknown.length > 0) {
    return check({
      proof: 'live',
      id,
      title,
      criteria,
      status: 'fail',
      measured: `${unknown.length} not exported`,
      evidence,
      reason: `no scrape target exports: ${unknown.map((m) => `${m} (${providerOf(m)?.exporter ?? 'no known exporter'})`).join(', ')}`,
    });
  }
  if (waiting.length > 0) {
    // A dashboard with some of its metrics missing is not proven whole, even when the cause is
    // a service that is down: a skip that names them (the row is partial), never a pass.
    const reasons = [...new Set(waiting.map((m) => down.get(providerOf(m)?.job ?? '') ?? ''))].join('; ');
    return check({
      proof: 'live',
      id,
      title,
      criteria,
      status: 'skip',
      measured: `${metrics.length - waiting.length}/${metrics.length}`,
      unit: 'metrics exported',
      evidence,
      reason:
        waiting.length === metrics.length
          ? `every series comes from a service: ${reasons}`
          : `${waiting.length} of ${metrics.length} not exported until the service runs: ${waiting.join(', ')} (${reasons})`,
    });
  }
  return check({
    proof: 'live',
    id,
    title,
    criteria,
    status: 'pass',
    measured: `${metrics.length}/${metrics.length}`,
    unit: 'metrics exported',
    evidence,
  });
}

/** 0-4.prometheus-ready: GET /-/ready answers 200 (its response time is the figure). */
async function prometheusReadyCheck(url: string): Promise<Check> {
  const t0 = performance.now();
  try {
    const res = await fetch(new URL('/-/ready', url), { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return check({
      proof: 'live',
      id: '0-4.prometheus-ready',
      criteria: ['0-4.ac1'],
      title: 'Prometheus is ready',
      status: 'pass',
      measured: ms(t0),
      unit: 'ms',
      evidence: `GET ${url}/-/ready`,
    });
  } catch (e) {
    return check({
      proof: 'live',
      id: '0-4.prometheus-ready',
      criteria: ['0-4.ac1'],
      title: 'Prometheus is ready',
      status: 'fail',
      reason: `GET ${url}/-/ready: ${errText(e)}`,
    });
  }
}

/** 0-4.retention: the live Prometheus keeps 30 days, read from its own flags. */
async function retentionCheck(prom: Prom): Promise<Check> {
  try {
    const flags = await prom.get<Record<string, string>>('/api/v1/status/flags');
    const retention = flags['storage.tsdb.retention.time'] ?? '';
    return check({
      proof: 'live',
      id: '0-4.retention',
      criteria: ['0-4.ac6'],
      title: 'metrics retention is 30 days',
      status: retention === '30d' ? 'pass' : 'fail',
      measured: retention,
      threshold: '30d',
      evidence: 'storage.tsdb.retention.time from /api/v1/status/flags',
      reason: retention === '30d' ? undefined : `Prometheus runs with retention ${retention || '(unset)'}`,
    });
  } catch (e) {
    return check({
      proof: 'live',
      id: '0-4.retention',
      criteria: ['0-4.ac6'],
      title: 'metrics retention is 30 days',
      status: 'fail',
      reason: errText(e),
    });
  }
}

interface Exported {
  known: Awaited<ReturnType<Prom['knownMetrics']>>;
  recording: ReturnType<typeof recordingRules>;
  down: ReturnType<typeof downServices>;
}

/** 0-4.ac5: the rule files are loaded and healthy in the live Prometheus, every expression evaluates, every metric they read is exported. */
async function ruleChecks(
  prom: Prom,
  groups: ReturnType<typeof allRuleGroups>,
  ex: Exported,
): Promise<Check[]> {
  const checks: Check[] = [];
  const fileRules = groups.flatMap((g) => g.rules);
  const t1 = performance.now();
  try {
    const live = await prom.get<{
      groups: { name: string; rules: { name: string; type: string; health: string; lastError?: string }[] }[];
    }>('/api/v1/rules');
    const liveRules = live.groups.flatMap((g) => g.rules);
    const missingGroups = groups
      .filter((g) => !live.groups.some((l) => l.name === g.name))
      .map((g) => g.name);
    const unhealthy = liveRules
      .filter((r) => r.health === 'err')
      .map((r) => `${r.name}: ${r.lastError ?? 'error'}`);
    const alerts = new Set(liveRules.filter((r) => r.type === 'alerting').map((r) => r.name));
    const missingAlerts = SEED_ALERTS.filter((a) => !alerts.has(a));
    const problems = [
      ...missingGroups.map((g) => `group ${g} not loaded`),
      ...missingAlerts.map((a) => `alert ${a} not loaded`),
      ...unhealthy,
    ];
    checks.push(
      check({
        proof: 'live',
        id: '0-4.rules-loaded',
        criteria: ['0-4.ac5'],
        title: 'recording and alert rules loaded by the live Prometheus',
        status: problems.length === 0 ? 'pass' : 'fail',
        measured: liveRules.length,
        threshold: `${fileRules.length} rules, ${SEED_ALERTS.length} seed alerts`,
        unit: 'rules',
        evidence: `alerts: ${[...alerts].join(', ')}`,
        reason: problems.length ? problems.join('; ') : undefined,
        durationMs: ms(t1),
      }),
    );
  } catch (e) {
    checks.push(
      check({
        proof: 'live',
        id: '0-4.rules-loaded',
        criteria: ['0-4.ac5'],
        title: 'recording and alert rules loaded by the live Prometheus',
        status: 'fail',
        reason: errText(e),
      }),
    );
  }
  const t2 = performance.now();
  const ruleEval = await evaluateAll(
    prom,
    fileRules.map((r) => ({ where: r.record ?? r.alert ?? '?', expr: r.expr })),
  );
  checks.push(
    check({
      proof: 'live',
      id: '0-4.rules-evaluate',
      criteria: ['0-4.ac5'],
      title: 'every rule expression evaluates against the live Prometheus',
      status: ruleEval.failures.length === 0 ? 'pass' : 'fail',
      measured: `${fileRules.length - ruleEval.failures.length}/${fileRules.length}`,
      unit: 'expressions',
      reason: ruleEval.failures.length ? ruleEval.failures.join('; ') : undefined,
      durationMs: ms(t2),
      evidence: `${ruleEval.empty.length} with no data yet`,
    }),
  );
  checks.push(
    exportCheck(
      '0-4.rules-metrics',
      'every metric the rules read is exported by a scrape target',
      ['0-4.ac5'],
      fileRules.map((r) => r.expr),
      ex.known,
      ex.recording,
      ex.down,
    ),
  );

  return checks;
}

/** 0-4.ac4: per dashboard, every panel query evaluates and every metric it reads is exported. */
async function dashboardChecks(prom: Prom, dashboards: Dashboard[], ex: Exported): Promise<Check[]> {
  const checks: Check[] = [];
  for (const d of dashboards) {
    const queries = dashboardQueries([d]);
    const t3 = performance.now();
    const ev = await evaluateAll(
      prom,
      queries.map((q) => ({ where: `${q.panel}/${q.refId}`, expr: q.expr })),
    );
    checks.push(
      check({
        proof: 'live',
        id: `0-4.dashboard.${d.uid}.queries`,
        criteria: ['0-4.ac4'],
        title: `dashboard "${d.title}": every panel query evaluates`,
        status: ev.failures.length === 0 ? 'pass' : 'fail',
        measured: `${queries.length - ev.failures.length}/${queries.length}`,
        unit: 'queries',
        evidence:
          `${ev.empty.length} with no data yet${ev.empty.length ? `: ${ev.empty.join(', ')}` : ''}`.slice(
            0,
            600,
          ),
        reason: ev.failures.length ? ev.failures.join('; ') : undefined,
        durationMs: ms(t3),
      }),
    );
    checks.push(
      exportCheck(
        `0-4.dashboard.${d.uid}.metrics`,
        `dashboard "${d.title}": every metric is exported by a scrape target`,
        ['0-4.ac4'],
        queries.map((q) => q.expr),
        ex.known,
        ex.recording,
        ex.down,
      ),
    );
  }

  return checks;
}

/** 0-4.data: the series every platform has are not empty (waiting up to two scrape intervals). */
async function dataCheck(prom: Prom, required: string[], signal?: AbortSignal): Promise<Check> {
  // An exporter that lost the broker (0-3's durability check restarts it just before) publishes no
  // series until its next good scrape, so give it two scrape intervals before calling it no data.
  let noData: string[];
  const deadline = Date.now() + 35_000;
  for (;;) {
    noData = [];
    for (const m of required) {
      // kafka_brokers is 0 while the exporter cannot reach the broker: that is no data either.
      const expr = m === 'kafka_brokers' ? 'count(kafka_brokers > 0)' : `count(${m})`;
      const r = await prom.query(expr).catch(() => ({ result: [] as unknown[] }));
      if (r.result.length === 0) noData.push(`${m} (${providerOf(m)?.exporter ?? '?'})`);
    }
    if (noData.length === 0 || Date.now() > deadline || signal?.aborted) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  return check({
    proof: 'live',
    id: '0-4.data',
    criteria: ['0-4.ac1'],
    title: 'Prometheus, host and Kafka series have data',
    status: noData.length === 0 ? 'pass' : 'fail',
    measured: `${required.length - noData.length}/${required.length}`,
    unit: 'metrics with data',
    evidence: required.join(', ').slice(0, 600),
    reason: noData.length ? `no data: ${noData.join(', ')}` : undefined,
  });
}

export async function metricsChecks(opts: MetricsCheckOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const ep = opts.endpoints.prometheus;
  checks.push(...(await promtoolChecks(opts.root)));
  checks.push(...dashboardSchemaChecks(opts.root));
  checks.push(docsCheck(opts.root));
  checks.push(...(await grafanaChecks(opts)), await defaultDashboardsCheck(opts));
  if (!isAvailable(ep)) {
    checks.push(
      check({
        proof: 'live',
        id: '0-4.prometheus-ready',
        criteria: ['0-4.ac1'],
        title: 'Prometheus is ready',
        status: 'skip',
        reason: ep.unavailable,
      }),
    );
    return checks;
  }
  const prom = new Prom(ep.url, opts.signal);
  const ready = await prometheusReadyCheck(ep.url);
  checks.push(ready);
  if (ready.status === 'fail') return checks;
  checks.push(await retentionCheck(prom));

  const { checks: tchecks, targets } = await targetChecks(prom);
  checks.push(...tchecks);
  const ex: Exported = {
    down: downServices(targets),
    known: await prom.knownMetrics(),
    recording: recordingRules(opts.root),
  };

  const groups = allRuleGroups(opts.root);
  checks.push(...(await ruleChecks(prom, groups, ex)));

  let dashboards: Dashboard[] = [];
  try {
    dashboards = loadDashboards(dashboardsDir(opts.root));
  } catch {
    /* the schema check above already failed with the reason */
  }
  checks.push(...(await dashboardChecks(prom, dashboards, ex)));

  // Data: the series every platform has (Prometheus, node, Kafka offsets, broker) are not empty.
  const all = baseMetrics(
    [
      ...groups.flatMap((g) => g.rules).map((r) => r.expr),
      ...dashboardQueries(dashboards).map((q) => q.expr),
    ].flatMap(metricNames),
    ex.recording,
  );
  const required = [
    ...new Set([...all.filter((m) => providerOf(m)?.required), 'kafka_brokers', 'prometheus_build_info']),
  ];
  checks.push(await dataCheck(prom, required, opts.signal));
  return checks;
}

export function dashboardSchemaChecks(root: string): Check[] {
  const dir = dashboardsDir(root);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const errors: string[] = [];
  const titles: string[] = [];
  for (const f of files) {
    try {
      const json = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { title?: string };
      const e = dashboardErrors(json);
      if (e.length) errors.push(`${f}: ${e.slice(0, 3).join('; ')}`);
      else titles.push(json.title ?? f);
    } catch (e) {
      errors.push(`${f}: ${errText(e)}`);
    }
  }
  const seed = ['Example-App Overview', 'Service Metrics', 'Kafka Metrics', 'Resource Usage'];
  const missing = seed.filter((t) => !titles.includes(t));
  const problems = [...errors, ...missing.map((t) => `seed dashboard "${t}" missing`)];
  return [
    check({
      proof: 'static',
      id: '0-4.dashboards',
      criteria: ['0-4.ac4'],
      title: 'the seed four dashboards are valid Grafana JSON (ajv schema)',
      status: problems.length === 0 ? 'pass' : 'fail',
      measured: titles.length,
      threshold: `${seed.length} seed dashboards`,
      unit: 'dashboards',
      evidence: titles.join(', '),
      reason: problems.length ? problems.join('; ') : undefined,
    }),
  ];
}

/** `promtool check rules` and `promtool test rules` on the one rules source, with the platform's promtool. */
export async function promtoolChecks(root: string): Promise<Check[]> {
  const files = RULE_FILES.map((f) => path.join(rulesDir(root), f));
  const tests = path.join(root, 'manifests', 'prometheus', 'tests', 'alerts.test.yml');
  const out: Check[] = [];
  for (const [id, title, args] of [
    ['0-4.promtool-check', 'promtool check rules', ['check', 'rules', ...files]],
    ['0-4.promtool-test', 'promtool test rules: the six alert unit tests', ['test', 'rules', tests]],
  ] as const) {
    const t0 = performance.now();
    const r = await execa(promtoolBin(), args, { reject: false, timeout: 60_000, cwd: root });
    const text = `${r.stdout}\n${r.stderr}`.trim();
    if (r.code === 'ENOENT') {
      out.push(
        check({
          proof: 'rendered',
          id,
          criteria: ['0-4.ac5'],
          title,
          status: 'fail',
          reason: PROMTOOL_MISSING,
        }),
      );
      continue;
    }
    out.push(
      check({
        proof: 'rendered',
        id,
        criteria: ['0-4.ac5'],
        title,
        status: r.exitCode === 0 ? 'pass' : 'fail',
        durationMs: ms(t0),
        evidence: `promtool ${args[0]} ${args[1]}: ${text
          .split('\n')
          .filter((l) => /SUCCESS|FAILED/.test(l))
          .join('; ')
          .slice(0, 300)}`,
        reason: r.exitCode === 0 ? undefined : text.split('\n').slice(-8).join(' | ').slice(0, 600),
      }),
    );
  }
  return out;
}

export function docsCheck(root: string): Check {
  const file = path.join(root, DOCS_FILE);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const needed = [
    'Example-App Overview',
    'Service Metrics',
    'Kafka Metrics',
    'Resource Usage',
    'kafka_consumergroup_lag',
    ...SEED_ALERTS,
  ];
  const missing = needed.filter((n) => !text.includes(n));
  return check({
    proof: 'static',
    id: '0-4.docs',
    criteria: ['0-4.ac8'],
    title: 'docs explain the dashboards, alerts and the lag metric',
    status: text && missing.length === 0 ? 'pass' : 'fail',
    evidence: DOCS_FILE,
    reason: !text
      ? `${DOCS_FILE} missing`
      : missing.length
        ? `not mentioned: ${missing.join(', ')}`
        : undefined,
  });
}

/** Grafana (k3d, compose): health, the Prometheus datasource, the dashboards loaded. */
export async function grafanaChecks(opts: MetricsCheckOptions): Promise<Check[]> {
  const g = opts.endpoints.grafana;
  const ids = [
    ['0-4.grafana-health', ['0-4.ac2'], 'Grafana answers /api/health'],
    ['0-4.grafana-datasource', ['0-4.ac7'], 'Grafana has the Prometheus datasource'],
    ['0-4.grafana-dashboards', ['0-4.ac4'], 'Grafana has the Example-App dashboards loaded'],
  ] as const;
  if (!isAvailable(g))
    return ids.map(([id, criteria, title]) =>
      check({ proof: 'live', id, criteria: [...criteria], title, status: 'skip', reason: g.unavailable, ...(g.standIn ? { standIn: g.standIn } : {}) }),
    );
  const password = opts.env?.GRAFANA_ADMIN_PASSWORD;
  const headers: Record<string, string> = password
    ? { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` }
    : {};
  const get = async (p: string) => {
    const res = await fetch(new URL(p, g.url), { headers, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`GET ${p}: HTTP ${res.status}`);
    return res.json() as Promise<unknown>;
  };
  const out: Check[] = [];
  const [health, ds, dash] = ids;
  try {
    const h = (await get('/api/health')) as { database?: string; version?: string };
    out.push(
      check({
        proof: 'live',
        id: health[0],
        criteria: [...health[1]],
        title: health[2],
        status: h.database === 'ok' ? 'pass' : 'fail',
        measured: h.version,
        evidence: `${g.url}/api/health`,
        reason: h.database === 'ok' ? undefined : `database: ${h.database}`,
      }),
    );
  } catch (e) {
    out.push(
      check({
        proof: 'live',
        id: health[0],
        criteria: [...health[1]],
        title: health[2],
        status: 'fail',
        reason: errText(e),
      }),
    );
  }
  try {
    const list = (await get('/api/datasources')) as { uid: string; type: string }[];
    const ok = list.some((d) => d.type === 'prometheus' && d.uid === 'prometheus');
    out.push(
      check({
        proof: 'live',
        id: ds[0],
        criteria: [...ds[1]],
        title: ds[2],
        status: ok ? 'pass' : 'fail',
        evidence: list.map((d) => `${d.type}:${d.uid}`).join(', '),
        reason: ok ? undefined : 'no prometheus datasource with uid "prometheus"',
      }),
    );
  } catch (e) {
    out.push(
      check({
        proof: 'live',
        id: ds[0],
        criteria: [...ds[1]],
        title: ds[2],
        status: 'fail',
        reason: errText(e),
      }),
    );
  }
  try {
    const found = (await get('/api/search?type=dash-db')) as { uid: string; title: string }[];
    const wanted = loadDashboards(dashboardsDir(opts.root)).map((d) => d.uid);
    const missing = wanted.filter((u) => !found.some((f) => f.uid === u));
    out.push(
      check({
        proof: 'live',
        id: dash[0],
        criteria: [...dash[1]],
        title: dash[2],
        status: missing.length === 0 ? 'pass' : 'fail',
        measured: found.length,
        unit: 'dashboards',
        evidence: found
          .map((f) => f.title)
          .join(', ')
          .slice(0, 600),
        reason: missing.length ? `missing: ${missing.join(', ')}` : undefined,
      }),
    );
  } catch (e) {
    out.push(
      check({
        proof: 'live',
        id: dash[0],
        criteria: [...dash[1]],
        title: dash[2],
        status: 'fail',
        reason: errText(e),
      }),
    );
  }
  return out;
}

/** kube-prometheus-stack's default dashboards the seed names: cluster, nodes, pods. */
export const DEFAULT_K8S_DASHBOARDS: readonly [string, RegExp][] = [
  ['cluster', /^Kubernetes \/ Compute Resources \/ Cluster$/],
  ['nodes', /^(Node Exporter \/ Nodes|Kubernetes \/ Compute Resources \/ Node \(Pods\))$/],
  ['pods', /^Kubernetes \/ Compute Resources \/ Pod$/],
];

/** 0-4.ac3: the default Kubernetes dashboards are in the live Grafana (k3d), found by title. */
export async function defaultDashboardsCheck(opts: MetricsCheckOptions): Promise<Check> {
  const base = {
    proof: 'live' as const,
    id: '0-4.grafana-default-dashboards',
    criteria: ['0-4.ac3'],
    title: 'Grafana has the default Kubernetes dashboards (cluster, nodes, pods)',
  };
  const g = opts.endpoints.grafana;
  if (!opts.kubernetes)
    return check({
      ...base,
      status: 'skip',
      reason: 'the target runs no Kubernetes; kube-prometheus-stack brings these dashboards on k3d',
    });
  if (!isAvailable(g)) return check({ ...base, status: 'skip', reason: g.unavailable });
  const password = opts.env?.GRAFANA_ADMIN_PASSWORD;
  try {
    const res = await fetch(new URL('/api/search?type=dash-db&limit=5000', g.url), {
      headers: password
        ? { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` }
        : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`GET /api/search: HTTP ${res.status}`);
    const titles = ((await res.json()) as { title: string }[]).map((d) => d.title);
    const found = DEFAULT_K8S_DASHBOARDS.map(([what, re]) => [what, titles.find((t) => re.test(t))] as const);
    const missing = found.filter(([, t]) => !t).map(([what]) => what);
    return check({
      ...base,
      status: missing.length === 0 ? 'pass' : 'fail',
      measured: found.length - missing.length,
      threshold: `${DEFAULT_K8S_DASHBOARDS.length}`,
      unit: 'default dashboards',
      evidence: found.map(([what, t]) => `${what}: ${t ?? 'none'}`).join('; '),
      ...(missing.length ? { reason: `no default dashboard for: ${missing.join(', ')}` } : {}),
    });
  } catch (e) {
    return check({ ...base, status: 'fail', reason: errText(e) });
  }
}
