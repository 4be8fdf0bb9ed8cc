// `tasks.ts new-service NAME [--description …] [--dir …]`: a new service from templates/service/.
// The copy is written into a hidden sibling directory and renamed into place at the end, so a
// failure midway leaves nothing behind and an existing directory is never touched.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../engine/task.ts';
import { REPO_ROOT } from '../../paths.ts';
import { defineCommand } from '../command.ts';

export const TEMPLATE_DIR = path.join(REPO_ROOT, 'templates', 'service');

/** Names that would collide with Kubernetes system namespaces, platform components or repo folders. */
export const RESERVED_NAMES: readonly string[] = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'infra',
  'services',
  'kafka',
  'redpanda',
  'prometheus',
  'grafana',
  'loki',
  'tempo',
  'alloy',
  'otel-collector',
  'template',
  'templates',
  'node-modules',
  'platform',
  'tasks',
  'test',
  'tests',
];

// DNS-1035 label: what a Kubernetes Service name must be (DNS-1123 that also starts with a letter).
const NAME_RE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME = 63;

/** Throws a one-line UsageError saying what is wrong with the name and what a valid one looks like. */
export function validateServiceName(name: string): void {
  const rule =
    'lowercase letters, digits and dashes, starting with a letter and ending with a letter or digit (DNS-1123 label), e.g. market-data';
  if (name === '') throw new UsageError(`new-service: a service name is required: ${rule}`);
  if (name.length > MAX_NAME)
    throw new UsageError(`new-service: '${name}' is ${name.length} characters; at most ${MAX_NAME}`);
  if (!NAME_RE.test(name))
    throw new UsageError(`new-service: '${name}' is not a valid service name: use ${rule}`);
  if (name.includes('--'))
    throw new UsageError(`new-service: '${name}' has a double dash; use single dashes between words`);
  if (RESERVED_NAMES.includes(name)) {
    throw new UsageError(
      `new-service: '${name}' is reserved (a namespace, platform component or repo folder); pick another name`,
    );
  }
}

export function validateDescription(description: string): void {
  if ([...description].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    throw new UsageError(
      'new-service: --description must be one line of text (no newlines or control characters)',
    );
  }
  if (description.length > 200)
    throw new UsageError('new-service: --description is longer than 200 characters');
}

export interface GenerateOptions {
  name: string;
  description?: string;
  /** Target directory; default `services/<name>` in the repository. */
  dir?: string;
  /** Template directory; default templates/service. */
  template?: string;
  /** Called per file after it is written (tests use it to inject a failure midway). */
  onFile?: (relPath: string) => void | Promise<void>;
}

export interface GenerateResult {
  dir: string;
  files: string[];
}

// Copied as-is: nothing to substitute and no placeholder may hide in them.
const SKIP = new Set(['node_modules', 'dist', 'coverage', '.DS_Store']);
const PLACEHOLDER = /__SERVICE_[A-Z_]+__/;

/** The placeholder values, escaped for the syntax each file puts them in. */
function substitute(relPath: string, text: string, name: string, description: string): string {
  const ext = path.extname(relPath);
  const json = JSON.stringify(description).slice(1, -1);
  // Markdown takes the text as is; .ts puts it in single quotes; YAML in single quotes (prettier's
  // style: '' escapes a quote, backslashes are literal); JSON and the Dockerfile in double quotes.
  const desc =
    ext === '.md'
      ? description
      : ext === '.ts'
        ? json.replace(/'/g, "\\'")
        : ext === '.yaml' || ext === '.yml'
          ? description.replace(/'/g, "''")
          : json;
  let out = text.replaceAll('__SERVICE_NAME__', name).replaceAll('__SERVICE_DESCRIPTION__', desc);
  // The template's Markdown shields its placeholders from prettier (it reads __x__ as bold); the
  // generated file does not need the markers.
  if (ext === '.md') out = out.replace(/^<!-- prettier-ignore-(start|end) -->\n/gm, '');
  return out;
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIP.has(e.name)) continue;
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(root, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** Renders the template for `name` into memory: relative path → content. */
export async function renderTemplate(opts: {
  name: string;
  description: string;
  template?: string;
}): Promise<Map<string, Buffer>> {
  const template = opts.template ?? TEMPLATE_DIR;
  const files = new Map<string, Buffer>();
  for (const rel of await listFiles(template)) {
    const raw = await fs.readFile(path.join(template, rel));
    // Binary files (none today) are copied untouched.
    if (raw.includes(0)) {
      files.set(rel, raw);
      continue;
    }
    const text = substitute(rel, raw.toString('utf8'), opts.name, opts.description);
    const left = PLACEHOLDER.exec(text);
    if (left)
      throw new Error(
        `new-service: template file ${rel} has an unknown placeholder ${left[0]}; fix templates/service`,
      );
    files.set(rel, Buffer.from(text, 'utf8'));
  }
  return files;
}

export async function generateService(opts: GenerateOptions): Promise<GenerateResult> {
  validateServiceName(opts.name);
  const description = opts.description ?? `The ${opts.name} service`;
  validateDescription(description);
  const dir = path.resolve(opts.dir ?? path.join(REPO_ROOT, 'services', opts.name));
  const exists = await fs.lstat(dir).then(
    () => true,
    () => false,
  );
  if (exists)
    throw new UsageError(
      `new-service: ${dir} already exists; nothing was written (pick another name or --dir)`,
    );
  const rendered = await renderTemplate({ name: opts.name, description, template: opts.template });

  await fs.mkdir(path.dirname(dir), { recursive: true });
  const tmp = path.join(path.dirname(dir), `.${path.basename(dir)}.new-${randomBytes(4).toString('hex')}`);
  try {
    for (const [rel, content] of rendered) {
      const file = path.join(tmp, rel);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, content);
      await opts.onFile?.(rel);
    }
    // rename() fails rather than replace a directory that appeared meanwhile (ENOTEMPTY/EEXIST).
    await fs.rename(tmp, dir);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new UsageError(`new-service: ${dir} appeared while generating; nothing was written`);
    }
    throw e;
  }
  return { dir, files: [...rendered.keys()] };
}

export default defineCommand({
  name: 'new-service',
  summary: 'Generate a new TypeScript service from templates/service (seed task 0-10)',
  usage: 'new-service NAME [--description TEXT] [--dir DIR]',
  positionals: true,
  options: {
    description: {
      type: 'string',
      description: 'one line describing the service (README, package.json, k8s labels)',
    },
    dir: { type: 'string', description: 'where to create it (default: services/NAME)' },
  },
  run: async (args, io) => {
    const [name, ...extra] = args.positionals;
    if (name === undefined)
      throw new UsageError(
        'new-service: missing NAME; usage: tasks.ts new-service NAME [--description TEXT] [--dir DIR]',
      );
    if (extra.length > 0)
      throw new UsageError(`new-service: one NAME expected, got also: ${extra.join(' ')}`);
    const description = typeof args.values.description === 'string' ? args.values.description : undefined;
    const dir = typeof args.values.dir === 'string' ? args.values.dir : undefined;
    const r = await generateService({ name, description, dir });
    const rel = path.relative(process.cwd(), r.dir);
    const shown = rel === '' ? '.' : rel.startsWith('..') ? r.dir : rel;
    io.event({ event: 'service-generated', name, dir: r.dir, files: r.files.length });
    io.out(`generated ${shown} (${r.files.length} files) from templates/service`);
    io.out(`next: cd ${shown} && npm install && npm test && npm start`);
    return 0;
  },
});
