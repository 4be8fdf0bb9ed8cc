// Verify checks of seed task 0-4 for the alerting pipeline and the releases that run it (issue 24),
// declared as data (validation/lib/define-check.ts) and shared by every target through its endpoints:
//   0-4.versions-match   the running Prometheus and Alertmanager report the releases the Docker
//                        paths run (manifests/versions.yaml: the images and the chart's `runs`).
//   0-4.alert-delivered  an alert that fires reaches Alertmanager: the Watchdog (always firing, the
//                        k3d chart's pipeline alert; manifests/native/prometheus/watchdog.yml natively)
//                        is listed by Alertmanager's /api/v2/alerts, freshly resent by Prometheus.
import { isAvailable } from '../../targets/target.ts';
import { loadVersions, type Versions } from '../../config/versions.ts';
import { http, poll } from '../../../validation/lib/http.ts';
import { defineCheck, type DefinedCheck, type Measurement } from '../../../validation/lib/define-check.ts';

/** The alert every pipeline holds while it works (kube-prometheus-stack's `general.rules`). */
export const PIPELINE_ALERT = 'Watchdog';
/** Prometheus resends a firing alert every minute (--rules.alert.resend-delay): older means not delivered now. */
export const FRESH_MS = 3 * 60_000;
/** Prometheus evaluates the rule, then sends: up to an evaluation interval plus a send after start. */
const DELIVERY_WAIT_MS = 45_000;

interface AmAlert {
  labels: Record<string, string>;
  startsAt: string;
  updatedAt: string;
  receivers: { name: string }[];
  status: { state: string };
}

async function json<T>(url: string, signal?: AbortSignal): Promise<T> {
  const r = await http(url, { timeoutMs: 10_000, ...(signal ? { signal } : {}) });
  if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status} ${r.text.slice(0, 120)}`);
  return JSON.parse(r.text) as T;
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

/** One running release beside what the Docker paths pin for it: the image tag and the k3d chart's app. */
interface ReleaseRow {
  what: string;
  running: string;
  pins: [where: string, release: string | undefined][];
}

function pinsOf(v: Versions, what: 'Prometheus' | 'Alertmanager'): ReleaseRow['pins'] {
  const image = v.images[what.toLowerCase()];
  return [
    [`images.${what.toLowerCase()}`, image ? tagOf(image.image) : undefined],
    ['k3d chart', chartRuns(v, what)],
  ];
}

const mismatches = (rows: readonly ReleaseRow[]) =>
  rows.flatMap((r) =>
    r.pins.flatMap(([where, want]) =>
      want === undefined
        ? [`${where} pins no ${r.what} release in manifests/versions.yaml`]
        : want !== r.running
          ? [`${r.what} runs ${r.running}, ${where} pins ${want}`]
          : [],
    ),
  );

/** 0-4.ac1 live: the Prometheus (and Alertmanager, where the target runs one) report the pinned releases. */
export const versionsMatch = defineCheck(
  {
    id: '0-4.versions-match',
    criteria: ['0-4.ac1'],
    title: 'Prometheus and Alertmanager run the releases the Docker paths run',
    needs: 'prometheus',
    proof: 'live',
  },
  async (prom, ctx): Promise<Measurement> => {
    const v = loadVersions(ctx.paths.root);
    const build = await json<{ data: { version: string } }>(`${prom.url}/api/v1/status/buildinfo`, ctx.signal);
    const rows: ReleaseRow[] = [{ what: 'Prometheus', running: build.data.version, pins: pinsOf(v, 'Prometheus') }];
    const am = ctx.target.endpoints().alertmanager;
    if (isAvailable(am)) {
      const status = await json<{ versionInfo: { version: string } }>(`${am.url}/api/v2/status`, ctx.signal);
      rows.push({ what: 'Alertmanager', running: status.versionInfo.version, pins: pinsOf(v, 'Alertmanager') });
    }
    return {
      measured: rows.map((r) => `${r.what} ${r.running}`).join(', '),
      evidence:
        rows.map((r) => `${r.what} ${r.running} (${r.pins.map(([w, p]) => `${w} ${p ?? '?'}`).join(', ')})`).join('; ') +
        (isAvailable(am) ? '' : `; Alertmanager: ${am.unavailable}`),
      problems: mismatches(rows),
    };
  },
);

/** 0-4.ac5 live: Prometheus has an Alertmanager and the pipeline alert is in it, fresh. */
export const alertDelivered = defineCheck(
  {
    id: '0-4.alert-delivered',
    criteria: ['0-4.ac5'],
    title: `a firing alert reaches Alertmanager (${PIPELINE_ALERT}, routed by the k3d chart's routes)`,
    needs: 'alertmanager',
    proof: 'live',
  },
  async (am, ctx): Promise<Measurement> => {
    const prom = ctx.target.endpoints().prometheus;
    if (!isAvailable(prom)) return { skip: prom.unavailable };
    const { data } = await json<{ data: { activeAlertmanagers: { url: string }[] } }>(
      `${prom.url}/api/v1/alertmanagers`,
      ctx.signal,
    );
    const sendsTo = data.activeAlertmanagers.map((a) => a.url).join(', ');
    if (!sendsTo)
      throw new Error(`Prometheus at ${prom.url} sends alerts to no Alertmanager (/api/v1/alertmanagers is empty); see the alerting section of its config`);
    const filter = encodeURIComponent(`alertname="${PIPELINE_ALERT}"`);
    const found = await poll(async () => {
      const alerts = await json<AmAlert[]>(`${am.url}/api/v2/alerts?filter=${filter}`, ctx.signal);
      return alerts.find((a) => a.status.state !== 'unprocessed' && Date.now() - Date.parse(a.updatedAt) < FRESH_MS);
    }, DELIVERY_WAIT_MS, 1_000);
    if (!found)
      throw new Error(`no fresh ${PIPELINE_ALERT} alert in Alertmanager at ${am.url} (/api/v2/alerts) after ${DELIVERY_WAIT_MS / 1000} s; Prometheus sends to ${sendsTo}`);
    const all = await json<AmAlert[]>(`${am.url}/api/v2/alerts`, ctx.signal).catch(() => []);
    const others = [...new Set(all.map((a) => a.labels.alertname).filter((n) => n !== PIPELINE_ALERT))];
    return {
      measured: 'delivered',
      evidence:
        `${PIPELINE_ALERT} ${found.status.state} since ${found.startsAt}, last resent ${found.updatedAt}, receiver ${found.receivers.map((r) => r.name).join(', ')}; ` +
        `Prometheus → ${sendsTo}` +
        (others.length ? `; also in Alertmanager: ${others.join(', ')}` : ''),
    };
  },
);

export const alertingChecks: readonly DefinedCheck[] = [versionsMatch, alertDelivered];
