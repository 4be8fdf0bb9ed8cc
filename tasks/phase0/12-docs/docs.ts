// Documentation checks shared by the 0-12 verify step and tests/unit/devflow-docs.test.ts:
// relative links resolve, every `tasks.ts` command and `make` target the docs name exists, the
// hub links every page, and the architecture diagram matches `tasks.ts graph --format mermaid`.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { COMMAND_NAMES } from '../../cli/names.ts';

import { GUIDE } from '../../../validation/lib/docs.ts';

export { GUIDE };
/** The engine's commands; the rest come from the CLI registry. */
export const CORE_COMMANDS = ['up', 'down', 'verify', 'status', 'plan', 'graph', 'list', 'clean'];

/** README.md and every Markdown file under docs/ (generated report included: its links must work too). */
export function markdownFiles(root: string): string[] {
  const out = [path.join(root, 'README.md')].filter((f) => fs.existsSync(f));
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  if (fs.existsSync(path.join(root, 'docs'))) walk(path.join(root, 'docs'));
  return out;
}

/** Markdown without fenced code blocks and inline code (a link inside code is an example). */
const prose = (md: string) =>
  md.replace(/```[\s\S]*?```/g, (block) => '\n'.repeat(block.split('\n').length - 1)).replace(/`[^`\n]*`/g, '');

export interface Broken {
  file: string;
  line: number;
  target: string;
}

/** Relative links `[x](path)` and `[x](path#anchor)` whose file does not exist. */
export function brokenLinks(root: string): Broken[] {
  const broken: Broken[] = [];
  for (const file of markdownFiles(root)) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = prose(text).split('\n');
    lines.forEach((l, i) => {
      for (const m of l.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const rel = decodeURIComponent(target.split('#')[0]!);
        if (!fs.existsSync(path.resolve(path.dirname(file), rel))) {
          broken.push({ file: path.relative(root, file), line: i + 1, target });
        }
      }
    });
  }
  return broken;
}

export interface Named {
  file: string;
  name: string;
}

/** `tasks.ts <cmd>` and `make <target>` mentions, in code and prose alike. */
export function namedCommands(root: string): { tasks: Named[]; make: Named[] } {
  const tasks: Named[] = [];
  const make: Named[] = [];
  for (const file of markdownFiles(root)) {
    if (file.endsWith('phase-0-validation-report.md')) continue;
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    for (const m of text.matchAll(/tasks\.ts\s+([a-z][a-z0-9-]*)/g)) tasks.push({ file: rel, name: m[1]! });
    for (const m of text.matchAll(/(?<![\w-])make\s+([a-z][a-z0-9-]*)/g)) make.push({ file: rel, name: m[1]! });
  }
  return { tasks, make };
}

/** Targets a Makefile defines (`name:` at the start of a line, `.PHONY` lines excluded). */
export function makeTargets(root: string): Set<string> {
  const file = path.join(root, 'Makefile');
  if (!fs.existsSync(file)) return new Set();
  const names = new Set<string>();
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/^([a-zA-Z0-9][a-zA-Z0-9_-]*)\s*:(?!=)/gm)) names.add(m[1]!);
  return names;
}

export async function cliCommands(): Promise<Set<string>> {
  return new Set([...CORE_COMMANDS, ...COMMAND_NAMES]);
}

/** Names the docs use that do not exist (words after `make` that are prose, not targets, are listed here). */
export async function unknownCommands(root: string): Promise<{ tasks: Named[]; make: Named[] }> {
  const { tasks, make } = namedCommands(root);
  const cli = await cliCommands();
  const targets = makeTargets(root);
  return {
    tasks: tasks.filter((n) => !cli.has(n.name)),
    make: make.filter((n) => !targets.has(n.name) && !MAKE_PROSE.has(n.name)),
  };
}

/** Words that follow "make" in English sentences ("make sure", "make it"). */
const MAKE_PROSE = new Set(['sure', 'it', 'a', 'the', 'them', 'this', 'that', 'your', 'changes', 'one', 'up', 'no', 'sense']);

/** Pages of the guide the hub (README.md) does not link. */
export function orphanPages(root: string): string[] {
  const dir = path.join(root, GUIDE);
  const hub = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md' && !hub.includes(`](${f}`) && !hub.includes(`](./${f}`));
}

export const DIAGRAM_BEGIN = '<!-- graph:begin (generated: npx tsx tasks.ts graph --format mermaid) -->';
export const DIAGRAM_END = '<!-- graph:end -->';

export function committedDiagram(root: string): string | undefined {
  const text = fs.readFileSync(path.join(root, GUIDE, 'architecture-overview.md'), 'utf8');
  const a = text.indexOf(DIAGRAM_BEGIN);
  const b = text.indexOf(DIAGRAM_END);
  if (a < 0 || b < a) return undefined;
  return /```mermaid\n([\s\S]*?)\n```/.exec(text.slice(a, b))?.[1]?.trim();
}

export async function generatedDiagram(root: string, signal?: AbortSignal): Promise<string> {
  const r = await execa('npx', ['tsx', 'tasks.ts', 'graph', '--format', 'mermaid'], { cwd: root, ...(signal ? { cancelSignal: signal } : {}) });
  return r.stdout.trim();
}

/** Rewrites the diagram block from the real graph (scripts/update-architecture-diagram.ts). */
export function writeDiagram(root: string, mermaid: string): void {
  const file = path.join(root, GUIDE, 'architecture-overview.md');
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(DIAGRAM_BEGIN);
  const b = text.indexOf(DIAGRAM_END);
  if (a < 0 || b < a) throw new Error(`${file}: diagram markers not found`);
  fs.writeFileSync(file, `${text.slice(0, a)}${DIAGRAM_BEGIN}\n\`\`\`mermaid\n${mermaid}\n\`\`\`\n${text.slice(b)}`);
}

/** Error fragments troubleshooting.md quotes (lines `Error: \`fragment\``). */
export function troubleshootingQuotes(root: string): string[] {
  const text = fs.readFileSync(path.join(root, GUIDE, 'troubleshooting.md'), 'utf8');
  return [...text.matchAll(/^Error: `([^`]+)`/gm)].map((m) => m[1]!);
}

/** Quoted fragments no source file contains any more: the docs describe an error the tool no longer prints. */
export function staleErrorQuotes(root: string): string[] {
  const files: string[] = [path.join(root, '.githooks', 'pre-commit')];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') walk(p);
      else if (/\.(ts|sh)$/.test(e.name)) files.push(p);
    }
  };
  for (const d of ['tasks', 'scripts', 'validation']) walk(path.join(root, d));
  const corpus = files.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  return troubleshootingQuotes(root).filter((q) => !corpus.includes(q));
}
