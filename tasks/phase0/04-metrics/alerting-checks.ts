// Verify checks of seed task 0-4 for the alerting pipeline and the releases that run it (issue 24),
// shared by every target through its endpoints:
//   0-4.alert-delivered  an alert that fires reaches Alertmanager: the Watchdog (always firing, the
//                        k3d chart's pipeline alert; manifests/native/prometheus/watchdog.yml natively)
//                        is listed by Alertmanager's /api/v2/alerts, freshly resent by Prometheus.
//   0-4.versions-match   the running Prometheus and Alertmanager report the releases the Docker
//                        paths run (manifests/versions.yaml: the images and the chart's `runs`).
import { check, type Check } from '../../engine/task.ts';
import { isAvailable, type Endpoints } from '../../targets/target.ts';
import { loadVersions, type Versions } from '../../config/versions.ts';
import { http, poll } from '../../../validation/lib/http.ts';
import { errText } from '../../../validation/lib/errors.ts';

/** The alert every pipeline holds while it works (kube-prometheus-stack's `general.rules`). */
export const PIPELINE_ALERT = 'Watchdog';
/** Prometheus resends a firing alert every minute (--rules.alert.resend-delay): older means not delivered now. */
export const FRESH_MS = 3 * 60_000;

interface AmAlert {
  labels: Record<string, string>;
  startsAt: string;
  updatedAt: string;
  generatorURL?: string;
  receivers: { name: string }[];
  status: { state: string };
}

async function json<T>(url: string, signal?: AbortSignal): Promise<T> {
  const r = await http(url, { timeoutMs: 10_000, ...(signal ? { signal } : {}) });
  if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status} ${r.text.slice(0, 120)}`);
  return JSON.parse(r.text) as T;
}

/** 0-4.ac5 live: Prometheus has an Alertmanager and the pipeline alert is in it, fresh. */
export async function alertDeliveredCheck(
  endpoints: Endpoints,
  opts: { signal?: AbortSignal; waitMs?: number; now?: () => number } = {},
): Promise<Check> {
  const base = {
    proof: 'live' as const,
    id: '0-4.alert-delivered',
    criteria: ['0-4.ac5' as const],
    title: `a firing alert reaches Alertmanager (${PIPELINE_ALERT}, routed by the k3d chart's routes)`,
  };
  const am = endpoints.alertmanager;
  const prom = endpoints.prometheus;
  if (!isAvailable(am)) return check({ ...base, status: 'skip', reason: am.unavailable });
  if (!isAvailable(prom)) return check({ ...base, status: 'skip', reason: prom.unavailable });
  const now = opts.now ?? Date.now;
  try {
    const { data } = await json<{ data: { activeAlertmanagers: { url: string }[] } }>(
      `${prom.url}/api/v1/alertmanagers`,
      opts.signal,
    );
    if (data.activeAlertmanagers.length === 0)
      return check({
        ...base,
        status: 'fail',
        reason: `Prometheus at ${prom.url} sends alerts to no Alertmanager (/api/v1/alertmanagers is empty); see the alerting section of its config`,
      });
    const filter = encodeURIComponent(`alertname="${PIPELINE_ALERT}"`);
    // Prometheus evaluates the rule, then sends: up to an evaluation interval plus a send after start.
    const found = await poll(async () => {
      const alerts = await json<AmAlert[]>(`${am.url}/api/v2/alerts?filter=${filter}`, opts.signal);
      return alerts.find((a) => a.status.state !== 'unprocessed' && now() - Date.parse(a.updatedAt) < FRESH_MS);
    }, opts.waitMs ?? 45_000, 1_000);
    if (!found)
      return check({
        ...base,
        status: 'fail',
        reason: `no fresh ${PIPELINE_ALERT} alert in Alertmanager at ${am.url} (/api/v2/alerts); Prometheus sends to ${data.activeAlertmanagers.map((a) => a.url).join(', ')}`,
      });
    const seed = await json<AmAlert[]>(`${am.url}/api/v2/alerts`, opts.signal).catch(() => []);
    const others = [...new Set(seed.map((a) => a.labels.alertname).filter((n) => n !== PIPELINE_ALERT))];
    return check({
      ...base,
      status: 'pass',
      measured: 'delivered',
      evidence:
        `${PIPELINE_ALERT} ${found.status.state} since ${found.startsAt}, last resent ${found.updatedAt}, receiver ${found.receivers.map((r) => r.name).join(', ')}; ` +
        `Prometheus → ${data.activeAlertmanagers.map((a) => a.url).join(', ')}` +
        (others.length ? `; also in Alertmanager: ${others.join(', ')}` : ''),
    });
  } catch (e) {
    return check({ ...base, status: 'fail', reason: errText(e) });
  }
}

/** The release an image reference pins (`prom/prometheus:v3.14.0` → `3.14.0`). */
export const tagOf = (image: string) => image.slice(image.lastIndexOf(':') + 1).replace(/^v/, '');

/** What the k3d chart runs of `app`, from its `runs` line (`… Alertmanager v0.34.0, …`). */
export function chartRuns(v: Versions, app: string): string | undefined {
  for (const c of Object.values(v.charts)) {
    const m = new RegExp(`\\b${app} v(\\d+\\.\\d+\\.\\d+)`).exec(c.runs);
    if (m) return m[1];
  }
  return undefined;
}

/** 0-4.ac1 live: the Prometheus (and Alertmanager) that run report the Docker paths' releases. */
export async function versionsMatchCheck(
  endpoints: Endpoints,
  opts: { root?: string; signal?: AbortSignal } = {},
): Promise<Check> {
  const base = {
    proof: 'live' as const,
    id: '0-4.versions-match',
    criteria: ['0-4.ac1' as const],
    title: 'Prometheus and Alertmanager run the releases the Docker paths run',
  };
  const prom = endpoints.prometheus;
  if (!isAvailable(prom)) return check({ ...base, status: 'skip', reason: prom.unavailable });
  const v = loadVersions(opts.root);
  const pin = (name: string) => (v.images[name] ? tagOf(v.images[name].image) : undefined);
  // Each running release beside what the Docker paths pin: the image tag and the k3d chart's app.
  const rows: { what: string; running: string; pins: [string, string | undefined][] }[] = [];
  try {
    const build = await json<{ data: { version: string } }>(`${prom.url}/api/v1/status/buildinfo`, opts.signal);
    rows.push({
      what: 'Prometheus',
      running: build.data.version,
      pins: [
        ['images.prometheus', pin('prometheus')],
        ['k3d chart', chartRuns(v, 'Prometheus')],
      ],
    });
    const am = endpoints.alertmanager;
    if (isAvailable(am)) {
      const status = await json<{ versionInfo: { version: string } }>(`${am.url}/api/v2/status`, opts.signal);
      rows.push({
        what: 'Alertmanager',
        running: status.versionInfo.version,
        pins: [
          ['images.alertmanager', pin('alertmanager')],
          ['k3d chart', chartRuns(v, 'Alertmanager')],
        ],
      });
    }
  } catch (e) {
    return check({ ...base, status: 'fail', reason: errText(e) });
  }
  const problems = rows.flatMap((r) =>
    r.pins.flatMap(([where, want]) =>
      want === undefined
        ? [`${where} pins no ${r.what} release in manifests/versions.yaml`]
        : want !== r.running
          ? [`${r.what} runs ${r.running}, ${where} pins ${want}`]
          : [],
    ),
  );
  const am = endpoints.alertmanager;
  const evidence =
    rows.map((r) => `${r.what} ${r.running} (${r.pins.map(([w, p]) => `${w} ${p ?? '?'}`).join(', ')})`).join('; ') +
    (isAvailable(am) ? '' : `; Alertmanager: ${am.unavailable}`);
  return check({
    ...base,
    status: problems.length ? 'fail' : 'pass',
    measured: rows.map((r) => `${r.what} ${r.running}`).join(', '),
    evidence,
    reason: problems.length ? problems.join('; ') : undefined,
  });
}

export async function alertingChecks(opts: {
  endpoints: Endpoints;
  root?: string;
  signal?: AbortSignal;
}): Promise<Check[]> {
  return [
    await versionsMatchCheck(opts.endpoints, opts),
    await alertDeliveredCheck(opts.endpoints, opts.signal ? { signal: opts.signal } : {}),
  ];
}
