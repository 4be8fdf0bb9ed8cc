// Figures in the docs come from committed artifacts (docs/measurements/*.json). A measured table
// is announced by `<!-- figures: ../measurements/<file>.json … -->` on the lines before it; every
// number in its rows (outside the first column and `code`) must be a figure of the same row label
// in one of those files, at the precision the table shows. Each artifact's rows must in turn be
// figures of the source excerpt they name, and an excerpt of a committed file must equal that
// file at its commit. A table that looks measured (a number with a unit) and has no marker fails:
// mark it with its artifact, or `<!-- figures: none (why) -->` when its numbers are not measurements.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execa } from 'execa';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MEASUREMENTS = path.join(ROOT, 'docs', 'measurements');

interface Artifact {
  title: string;
  source: { file: string; commit?: string; command?: string };
  /** Verbatim entries of the source (checks of a report, steps of ci-timings.json), by id. */
  excerpt: Record<string, Record<string, unknown>>;
  /** What the docs quote, by the row label the docs use; `from` names the excerpt entries. */
  rows: Record<string, { from: string[] } & Record<string, unknown>>;
}

const NUMBER = /(?<![\w.-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w.-]*\d)/g;
const UNIT =
  /(?<![<>≤≥=~]\s?)(?<![\w.-])\d[\d,]*(?:\.\d+)?(?:\s(?:s|min)|\s?(?:ms|µs|MiB|MB|GiB|GB|msg\/s|spans\/s|req\/s))(?![\w/])/;

/** The numbers written in a text, with the decimals each shows. */
function numbersIn(text: string): { value: number; decimals: number; text: string }[] {
  return [...text.replace(/`[^`]*`/g, ' ').matchAll(NUMBER)].map((m) => ({
    value: Number(m[0].replace(/,/g, '')),
    decimals: m[0].split('.')[1]?.length ?? 0,
    text: m[0],
  }));
}

/** Every number in a JSON value, strings included (evidence strings carry figures). */
function figuresOf(v: unknown, skipKeys = new Set(['from'])): number[] {
  if (typeof v === 'number') return [v];
  if (typeof v === 'string') return numbersIn(v).map((n) => n.value);
  if (Array.isArray(v)) return v.flatMap((x) => figuresOf(x, skipKeys));
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => (skipKeys.has(k) ? [] : figuresOf(x, skipKeys)));
  return [];
}

const shownAs = (value: number, decimals: number) => Number(value.toFixed(decimals));

interface Table {
  file: string;
  line: number;
  marker?: string;
  header: string[];
  rows: { line: number; cells: string[] }[];
}

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

function tablesOf(file: string): Table[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const tables: Table[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|[\s:|-]+\|?$/.test(lines[i + 1] ?? '')) continue;
    let j = i - 1;
    while (j >= 0 && lines[j]!.trim() === '') j--;
    const marker = /^<!--\s*figures:\s*(.*?)\s*-->$/.exec(lines[j]?.trim() ?? '')?.[1];
    const t: Table = {
      file: path.relative(ROOT, file),
      line: i + 1,
      marker,
      header: cellsOf(lines[i]!),
      rows: [],
    };
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++)
      t.rows.push({ line: i + 1, cells: cellsOf(lines[i]!) });
    tables.push(t);
  }
  return tables;
}

function docFiles(): string[] {
  const guide = path.join(ROOT, 'docs', 'developer-guide');
  return [
    path.join(ROOT, 'README.md'),
    ...fs
      .readdirSync(guide)
      .filter((f) => f.endsWith('.md'))
      .map((f) => path.join(guide, f)),
  ];
}

const artifacts = new Map<string, Artifact>(
  fs
    .readdirSync(MEASUREMENTS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(fs.readFileSync(path.join(MEASUREMENTS, f), 'utf8')) as Artifact]),
);

test('every figure in a measured table matches its artifact', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const file of docFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    for (const t of tablesOf(file)) {
      if (!t.marker || t.marker.startsWith('none')) continue;
      const linked = t.marker.split(/\s+/);
      const used = linked.map((rel) => {
        const abs = path.resolve(path.dirname(file), rel);
        if (path.dirname(abs) !== MEASUREMENTS || !artifacts.has(path.basename(abs)))
          problems.push(`${t.file}:${t.line}: ${rel} is not a file in docs/measurements/`);
        if (!text.includes(`](${rel})`)) problems.push(`${t.file}:${t.line}: the page does not link ${rel}`);
        return artifacts.get(path.basename(abs));
      });
      for (const row of t.rows) {
        const label = row.cells[0] ?? '';
        const entries = used.flatMap((a) => (a?.rows[label] ? [a.rows[label]] : []));
        if (entries.length === 0) {
          problems.push(`${t.file}:${row.line}: row "${label}" is in none of ${linked.join(', ')}`);
          continue;
        }
        const known = entries.flatMap((e) => figuresOf(e));
        for (const n of row.cells.slice(1).flatMap((c) => numbersIn(c))) {
          checked++;
          if (!known.some((k) => shownAs(k, n.decimals) === n.value))
            problems.push(
              `${t.file}:${row.line}: ${n.text} in row "${label}" is not a figure of its artifact`,
            );
        }
      }
    }
  }
  assert.equal(problems, []);
  assert.ok(checked > 0, 'no measured table was found in the docs');
});

test('a table that looks measured carries a figures marker', () => {
  const unmarked: string[] = [];
  for (const file of docFiles()) {
    for (const t of tablesOf(file)) {
      if (t.marker) continue;
      const hit = t.rows.find((r) => r.cells.slice(1).some((c) => UNIT.test(c.replace(/`[^`]*`/g, ' '))));
      if (hit) unmarked.push(`${t.file}:${hit.line}: ${hit.cells.join(' | ').slice(0, 120)}`);
    }
  }
  assert.equal(unmarked, []);
});

test('every artifact row is a figure of the source entries it names', () => {
  const problems: string[] = [];
  for (const [name, a] of artifacts) {
    assert.ok(a.title && a.source?.file, `${name}: title and source.file are required`);
    for (const [label, row] of Object.entries(a.rows)) {
      const from = row.from.map((id) => a.excerpt[id]);
      if (from.some((e) => !e)) {
        problems.push(`${name}: row "${label}" names an entry the excerpt lacks (${row.from.join(', ')})`);
        continue;
      }
      // Totals are allowed as the sum of the named entries' primary figures.
      const primary = from.map((e) => Number(e!.measured ?? e!.seconds ?? NaN));
      const known = [...from.flatMap((e) => figuresOf(e)), primary.reduce((s, x) => s + x, 0)];
      for (const v of figuresOf(row))
        if (!known.some((k) => Math.abs(k - v) < 1e-9 || shownAs(k, 1) === v))
          problems.push(`${name}: ${v} in row "${label}" is not in ${row.from.join(', ')}`);
    }
  }
  assert.equal(problems, []);
});

test('an excerpt of a committed file equals that file at its commit', async () => {
  for (const [name, a] of artifacts) {
    if (!a.source.commit) continue;
    const r = await execa('git', ['show', `${a.source.commit}:${a.source.file}`], {
      cwd: ROOT,
      reject: false,
    });
    // A shallow clone (GitHub's checkout) lacks the commit; .ci/run and every local clone have it.
    if (r.exitCode !== 0 && /unknown revision|bad object|invalid object/i.test(r.stderr)) continue;
    assert.is(r.exitCode, 0, `${name}: git show ${a.source.commit}:${a.source.file}: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as {
      runs: { verify: { nodes: { checks?: Record<string, unknown>[] }[] } };
    };
    const checks = new Map(
      report.runs.verify.nodes.flatMap((n) => n.checks ?? []).map((c) => [c.id as string, c]),
    );
    for (const [id, entry] of Object.entries(a.excerpt)) {
      const c = checks.get(id);
      assert.ok(c, `${name}: ${id} is not a check of ${a.source.file} at ${a.source.commit}`);
      for (const [k, v] of Object.entries(entry)) assert.equal(c![k], v, `${name}: ${id}.${k}`);
    }
  }
});

test.run();
