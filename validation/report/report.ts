// The Phase-0 validation report, built only from the checks that ran: one row per seed
// acceptance criterion and per REQ, with status, how it was proven, measured value, threshold
// and evidence; skips carry their reason; a criterion no check covered is a skip that says so.
// Every check that covers a row is one part of it: the row passes only when every part passed
// (some passed and some skipped: `partial`, naming the skipped parts), and it is as strong as the
// weakest check that decided it; a row whose criterion needs running software (least-proof.ts) and
// passed only on static or rendered checks is `partial`, never pass. Paths are relative to the
// repository. Writes Markdown, JSON and a timeline SVG that the Markdown embeds.
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { redact, redactDeep } from '../../tasks/config/redact.ts';
import type { Graph } from '../../tasks/engine/graph.ts';
import type { NodeRecord, RunRecord } from '../../tasks/engine/state.ts';
import { type BaseContext, type Check, type CheckStatus, type Proof } from '../../tasks/engine/task.ts';
import { CRITERIA, REQUIREMENTS, SEED_TASKS } from './criteria.ts';
export { summaryLine } from './rows.ts';
import { leastProof, REQUIREMENT_LEAST_PROOF } from './least-proof.ts';
import { aggregate, countChecks, countRows, substituteText, summaryLine } from './rows.ts';
import { renderTimelineSvg, type Panel } from './timeline.ts';
import { writeFileAtomic } from '../../tasks/engine/atomic.ts';

export const REPORT_MD = 'docs/phase-0-validation-report.md';
export const REPORT_JSON = 'validation/report.json';
export const TIMELINE_SVG = 'docs/phase-0-timeline.svg';
/** Check figures are copied here (beside the Markdown) so the committed report shows them. */
const FIGURES_DIR_NAME = 'phase-0-figures';

export interface MachineFacts {
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  java: string;
}

/** A row's status: a check's, or `partial` when some parts passed and the others were skipped. */
export type RowStatus = CheckStatus | 'partial';
/** A row's proof: the weakest of the checks that decided it; `none` when no check decided it. */
export type RowProof = Proof | 'none';

export interface Row {
  id: string;
  task?: string;
  text: string;
  status: RowStatus;
  proof: RowProof;
  /** Stand-ins among the deciding checks: `Apache Kafka for Redpanda`. */
  substitutes?: string[];
  measured?: string;
  threshold?: string;
  evidence?: string;
  reason?: string;
  checks: string[];
}

export interface ReportData {
  generatedAt: string;
  target: { name: string; why: string; describe?: string };
  machine: MachineFacts;
  summary: {
    criteria: RowCounts;
    requirements: RowCounts;
    checks: Record<CheckStatus, number> & { passByProof: Record<Proof, number> };
  };
  criteria: Row[];
  requirements: Row[];
  /** Checks that name no seed criterion or REQ: shown so no measured fact is dropped. */
  otherChecks: Check[];
  /** Figures the checks produced, copied beside the report (paths relative to the report). */
  figures: { check: string; title: string; file: string }[];
  nodes: { id: string; name: string; state: string; reason?: string }[];
  runs: { up?: RunRecord; verify: RunRecord };
}

export interface ReportInput {
  /** Directory that receives docs/ and validation/ (the repository root; a temp dir in tests). */
  root: string;
  verify: RunRecord;
  up?: RunRecord;
  graph: Graph<BaseContext> | Graph<never>;
  target: { name: string; why: string; describe?: string };
  machine?: MachineFacts;
  now?: Date;
}

export async function machineFacts(): Promise<MachineFacts> {
  const cpus = os.cpus();
  const osRelease = await fsp.readFile('/etc/os-release', 'utf8').catch(() => '');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1];
  const java = await execa('java', ['-version'], { reject: false, timeout: 10_000 }).catch(() => undefined);
  const javaLine =
    java && java.exitCode === 0
      ? String(java.stderr || java.stdout)
          .split('\n')[0]
          ?.trim()
      : undefined;
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: pretty ?? `${os.type()} ${os.release()}`,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    java: javaLine ?? 'not found',
  };
}

export type RowCounts = Record<RowStatus, number> & { passByProof: Record<Proof, number> };

/** Absolute paths of the checkout become repository-relative (`/work/x/bench/…` → `bench/…`). */
export function relativeToRoot<T>(value: T, root: string): T {
  const abs = path.resolve(root);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.split(`${abs}/`).join('').split(abs).join('.');
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

export function buildReport(input: ReportInput & { machine: MachineFacts }): ReportData {
  const checks = input.verify.nodes.flatMap((n) => n.checks ?? []);
  const nodeOf = new Map<string, NodeRecord>(input.verify.nodes.map((n) => [n.id, n]));
  // Why a task produced no check: the node's own outcome says it best. A verify step that broke
  // fails its criteria (nothing was proven); a node that does not apply here skips them.
  const whyNoCheck = (task: string): { status: CheckStatus; reason: string } => {
    const n = nodeOf.get(task);
    if (!n)
      return {
        status: 'skip',
        reason: `no check ran for this criterion (task ${task} was not part of this verify run)`,
      };
    if (n.state === 'not-applicable')
      return {
        status: 'skip',
        reason: `no check ran for this criterion: task ${task} does not apply here (${n.reason})`,
      };
    // Only a verify step that broke (it threw: the scheduler records `<id>.verify` failed, or nothing
    // came back) fails them; one whose checks ran and some failed has simply not covered this one.
    const broke = !n.checks?.length || n.checks.some((c) => c.id === `${task}.verify` && c.status === 'fail');
    if ((n.state === 'failed' || n.state === 'interrupted') && broke) {
      return {
        status: 'fail',
        reason: `no check ran for this criterion: task ${task} verify ${n.state}${n.reason ? ` (${n.reason})` : ''}`,
      };
    }
    return { status: 'skip', reason: 'no check ran for this criterion' };
  };
  const criteria = CRITERIA.map((c) =>
    aggregate(
      c.id,
      c.text,
      checks.filter((k) => k.criteria?.includes(c.id)),
      whyNoCheck(c.task),
      c.task,
      leastProof(c.id),
    ),
  );
  const requirements = Object.entries(REQUIREMENTS).map(([id, text]) => {
    const viaCriteria = new Set<string>(CRITERIA.filter((c) => c.requirement === id).map((c) => c.id));
    const covering = checks.filter(
      (k) => k.requirement === id || k.criteria?.some((c) => viaCriteria.has(c)),
    );
    return aggregate(
      id,
      text,
      covering,
      { status: 'skip', reason: 'no check ran for this requirement' },
      undefined,
      REQUIREMENT_LEAST_PROOF,
    );
  });
  const known = new Set<string>(CRITERIA.map((c) => c.id));
  const otherChecks = checks.filter((k) => !k.requirement && !(k.criteria ?? []).some((c) => known.has(c)));
  const data: ReportData = {
    generatedAt: (input.now ?? new Date()).toISOString(),
    target: input.target,
    machine: input.machine,
    summary: {
      criteria: countRows(criteria),
      requirements: countRows(requirements),
      checks: countChecks(checks),
    },
    criteria,
    requirements,
    otherChecks,
    figures: checks
      .filter((k) => k.figure)
      .map((k) => ({ check: k.id, title: k.figure!.title, file: `${FIGURES_DIR_NAME}/${k.id}.svg` })),
    nodes: input.verify.nodes.map((n) => ({
      id: n.id,
      name: n.name,
      state: n.state,
      ...(n.reason ? { reason: n.reason } : {}),
    })),
    runs: { ...(input.up ? { up: input.up } : {}), verify: input.verify },
  };
  return relativeToRoot(redactDeep(data), input.root);
}

const cell = (s: string | number | undefined) =>
  s === undefined || s === ''
    ? '—'
    : String(s)
        .replace(/\|/g, '\\|')
        .replace(/\s*\n\s*/g, ' ');
const mark = (s: RowStatus) =>
  s === 'pass' ? '✅ pass' : s === 'fail' ? '❌ fail' : s === 'partial' ? '◐ partial' : '⏭️ skip';
/** The proof cell: `substitute (Apache Kafka for Redpanda)`. */
const proofCell = (proof: RowProof, substitutes?: readonly string[]) =>
  proof === 'none'
    ? '—'
    : proof === 'substitute' && substitutes?.length
      ? `substitute (${substitutes.join('; ')})`
      : proof;

export function renderMarkdown(r: ReportData, svgRelative: string): string {
  const L: string[] = [];
  const s = r.summary;
  L.push(
    '# Phase 0 validation report',
    '',
    `<!-- Generated by \`npx tsx tasks.ts verify --report\` from the checks that ran. Do not edit by hand. -->`,
    '',
    `- **Generated:** ${r.generatedAt}`,
    `- **Target:** ${r.target.name} (${r.target.why})${r.target.describe ? `: ${r.target.describe}` : ''}`,
    `- **Machine:** ${r.machine.cpuModel}, ${r.machine.cpuCount} CPUs, ${r.machine.memoryGiB} GiB RAM; ${r.machine.os} (${r.machine.kernel})`,
    `- **Runtimes:** Node ${r.machine.node}; Java: ${r.machine.java}`,
    `- **Acceptance criteria** (${r.criteria.length}): ${summaryLine(s.criteria)}`,
    `- **Requirements** (${r.requirements.length}): ${summaryLine(s.requirements)}`,
    `- **Checks run:** ${s.checks.pass} pass, ${s.checks.fail} fail, ${s.checks.skip} skip`,
    '',
    'Proof: **live** measured on running software of the active target; **substitute** measured live on a',
    "stand-in for the seed's component (named); **rendered** a real upstream tool ran on the real artifact;",
    '**static** file contents, a schema, a text match. A row is as strong as the weakest check that decided',
    'it, and passes only when every check covering it passed (**partial**: some parts were not proven).',
    '',
    '## Performance requirements',
    '',
    '| REQ | requirement | status | proof | measured | threshold | evidence | reason / checks |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.requirements.map(
      (q) =>
        `| ${q.id} | ${cell(q.text)} | ${mark(q.status)} | ${cell(proofCell(q.proof, q.substitutes))} | ${cell(q.measured)} | ${cell(q.threshold)} | ${cell(q.evidence)} | ${cell(q.reason ?? q.checks.join(', '))} |`,
    ),
    '',
  );
  for (const t of SEED_TASKS) {
    const rows = r.criteria.filter((c) => c.task === t.id);
    const node = r.nodes.find((n) => n.id === t.id);
    L.push(
      `## ${t.id}: ${t.title}`,
      '',
      `Verify step: ${node ? `${node.state}${node.reason ? ` (${cell(node.reason)})` : ''}` : 'not run'}.`,
      '',
      '| criterion | status | proof | measured | threshold | evidence | reason / checks |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (c) =>
          `| ${c.id}: ${cell(c.text)} | ${mark(c.status)} | ${cell(proofCell(c.proof, c.substitutes))} | ${cell(c.measured)} | ${cell(c.threshold)} | ${cell(c.evidence)} | ${cell(c.status === 'pass' ? c.checks.join(', ') : (c.reason ?? c.checks.join(', ')))} |`,
      ),
      '',
    );
  }
  if (r.otherChecks.length) {
    L.push(
      '## Other checks',
      '',
      '| check | status | proof | measured | threshold | evidence | reason |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const c of r.otherChecks) {
      L.push(
        `| ${c.id}: ${cell(c.title)} | ${mark(c.status)} | ${cell(proofCell(c.proof, c.substitute ? [substituteText(c)!] : undefined))} | ${cell(c.measured === undefined ? undefined : `${c.measured}${c.unit ? ` ${c.unit}` : ''}`)} | ${cell(c.threshold)} | ${cell(c.evidence)} | ${cell(c.reason)} |`,
      );
    }
    L.push('');
  }
  if (r.figures.length) {
    L.push('## Figures', '');
    for (const f of r.figures)
      L.push(`**${cell(f.title)}** (check ${f.check})`, '', `![${cell(f.title)}](${f.file})`, '');
  }
  L.push(
    '## Run timeline',
    '',
    `Which node ran when, and the critical path (outlined).`,
    '',
    `![run timeline](${svgRelative})`,
    '',
  );
  return redact(L.join('\n'));
}

/** Builds and writes the report; returns the paths written and a one-line summary. */
export async function writeReport(
  input: ReportInput,
): Promise<{ markdown: string; json: string; svg: string; summary: string }> {
  const machine = input.machine ?? (await machineFacts());
  const data = buildReport({ ...input, machine });
  const md = path.join(input.root, REPORT_MD);
  const json = path.join(input.root, REPORT_JSON);
  const svg = path.join(input.root, TIMELINE_SVG);
  await Promise.all([md, json, svg].map((f) => fsp.mkdir(path.dirname(f), { recursive: true })));
  const panels: Panel[] = [
    ...(input.up ? [{ title: 'last up', run: input.up }] : []),
    { title: 'this verify', run: input.verify },
  ];
  await writeFileAtomic(svg, redact(renderTimelineSvg(panels)));
  // Figures are copied, not linked: their sources (bench/results/) are not committed.
  const checks = input.verify.nodes.flatMap((n) => n.checks ?? []);
  for (const f of data.figures) {
    const source = checks.find((k) => k.id === f.check)?.figure?.svgFile;
    const text = source ? await fsp.readFile(source, 'utf8').catch(() => undefined) : undefined;
    const dest = path.join(path.dirname(md), f.file);
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    await writeFileAtomic(
      dest,
      redact(text ?? '<svg xmlns="http://www.w3.org/2000/svg"><text y="20">figure missing</text></svg>'),
    );
  }
  await writeFileAtomic(md, renderMarkdown(data, path.relative(path.dirname(md), svg)));
  await writeFileAtomic(json, JSON.stringify(data, null, 2) + '\n');
  return { markdown: md, json, svg, summary: `criteria: ${summaryLine(data.summary.criteria)}` };
}
