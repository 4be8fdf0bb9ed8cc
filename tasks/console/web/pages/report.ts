// Report: the latest validation report (validation/report.json, the data behind
// docs/phase-0-validation-report.md, written by `verify --report`): every criterion and
// requirement with its status, proof, figure and evidence.
import { getJson } from '../lib/api.ts';
import { errorBox, h, headings } from '../lib/dom.ts';
import type { Page } from '../lib/page.ts';

interface Row {
  id: string;
  task?: string;
  text: string;
  status: string;
  proof?: string;
  measured?: string | number;
  threshold?: string;
  unit?: string;
  evidence?: string;
  reason?: string;
}

interface Report {
  generatedAt: string;
  target: { name: string; describe?: string };
  summary: {
    criteria: Record<string, number | Record<string, number>>;
    requirements: Record<string, number | Record<string, number>>;
  };
  criteria: Row[];
  requirements: Row[];
}

const figure = (r: Row) =>
  r.measured === undefined ? '' : `${r.measured}${r.unit ? ` ${r.unit}` : ''}${r.threshold ? ` (bound ${r.threshold})` : ''}`;

function counts(s: Record<string, number | Record<string, number>>): string {
  return ['pass', 'partial', 'fail', 'skip']
    .filter((k) => typeof s[k] === 'number')
    .map((k) => `${s[k]} ${k}`)
    .join(', ');
}

function table(rows: Row[], kind: string): HTMLElement {
  return h(
    'table',
    { class: 'report', 'data-kind': kind },
    headings('ID', 'Criterion', 'Status', 'Proof', 'Figure', 'Evidence / reason'),
    rows.map((r) =>
      h(
        'tr',
        { 'data-criterion': r.id, 'data-status': r.status },
        h('td', null, r.id),
        h('td', null, r.text),
        h('td', { class: `state-${r.status}` }, r.status),
        h('td', null, r.proof ?? '–'),
        h('td', null, figure(r)),
        h('td', { class: 'muted reason' }, r.reason ?? r.evidence ?? ''),
      ),
    ),
  );
}

export const reportPage: Page = {
  id: 'report',
  title: 'Report',
  render(root) {
    const ac = new AbortController();
    root.append(h('h1', null, 'Validation report'));
    getJson<Report>('/api/report', ac.signal).then(
      (r) => {
        const filter = h('select', { 'aria-label': 'status filter' }, ...['all', 'pass', 'partial', 'fail', 'skip'].map((s) => h('option', { value: s }, s)));
        const body = h('div');
        const show = () => {
          const keep = (x: Row) => filter.value === 'all' || x.status === filter.value;
          body.replaceChildren(
            h('h2', null, 'Requirements'),
            table(r.requirements.filter(keep), 'requirements'),
            h('h2', null, 'Acceptance criteria'),
            table(r.criteria.filter(keep), 'criteria'),
          );
        };
        filter.addEventListener('change', show);
        root.append(
          h('p', { class: 'muted' }, `Generated ${new Date(r.generatedAt).toLocaleString()} on the ${r.target.name} target by node tasks.ts verify --report (docs/phase-0-validation-report.md).`),
          h('p', null, `Criteria: ${counts(r.summary.criteria)}. Requirements: ${counts(r.summary.requirements)}.`),
          h('div', { class: 'toolbar' }, h('label', null, 'Show ', filter)),
          body,
        );
        show();
      },
      (e: unknown) => {
        if (!ac.signal.aborted) root.append(errorBox((e as Error).message));
      },
    );
    return () => ac.abort();
  },
};
