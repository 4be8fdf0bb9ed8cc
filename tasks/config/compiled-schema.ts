// ajv compiles a schema into JavaScript on every start: for the settings schema that and loading
// ajv cost ~70 ms of CPU on every command (status included). ajv's own standalone output of the
// same compile is kept in the platform cache, named by a hash of the schema, the options, the
// annotation keywords and ajv's version: an edited schema is a different file, so a stale
// validator can never run; an unreadable or broken file is compiled again.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Options, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

export interface CompileOptions {
  options: Options;
  /** Annotation-only keywords (no validation code), as ajv.addKeyword({ keyword }). */
  keywords: readonly string[];
  /** Directory for the cached validators (created when missing). */
  cacheDir: string;
}

export function cacheFileFor(schema: object, o: CompileOptions): string {
  const { version } = require('ajv/package.json') as { version: string };
  const key = createHash('sha256')
    .update(JSON.stringify([version, o.options, o.keywords, schema]))
    .digest('hex')
    .slice(0, 32);
  return path.join(o.cacheDir, 'ajv-validators', `${key}.cjs`);
}

/** The validator for `schema`: from the cache when this exact compile is there, else compiled (and cached). */
export function compileCached(schema: object, o: CompileOptions): ValidateFunction {
  const file = cacheFileFor(schema, o);
  const cached = load(file);
  if (cached) return cached;
  const { Ajv } = require('ajv') as typeof import('ajv');
  const standalone = (
    require('ajv/dist/standalone') as {
      default: (ajv: InstanceType<typeof Ajv>, v: ValidateFunction) => string;
    }
  ).default;
  const ajv = new Ajv({ ...o.options, code: { ...o.options.code, source: true } });
  for (const keyword of o.keywords) ajv.addKeyword({ keyword });
  const validate = ajv.compile(schema);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, standalone(ajv, validate));
    fs.renameSync(tmp, file); // atomic: a reader sees the whole file or none
  } catch {
    // A read-only cache costs the compile on each run, nothing else.
  }
  return validate;
}

function load(file: string): ValidateFunction | undefined {
  let code: string;
  try {
    code = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const mod: { exports: Record<string, unknown> } = { exports: {} };
    // ajv's standalone output is CommonJS; its runtime helpers resolve from this repository.
    new Function('require', 'module', 'exports', code)(require, mod, mod.exports);
    const v = mod.exports.default ?? mod.exports;
    return typeof v === 'function' ? (v as ValidateFunction) : undefined;
  } catch {
    return undefined;
  }
}
