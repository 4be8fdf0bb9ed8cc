// The settings validator is ajv's standalone compile cached by content: the cached one validates
// (defaults, errors) like a fresh compile; an edited schema gets its own file, so the old one can
// never answer for it; a broken cache file is compiled again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cacheFileFor, compileCached, type CompileOptions } from '../../tasks/config/compiled-schema.ts';

const opts = (cacheDir: string): CompileOptions => ({
  options: { allErrors: true, useDefaults: true, strict: true },
  keywords: ['rule'],
  cacheDir,
});
const schema = (pattern: string) => ({
  type: 'object',
  properties: { PORT: { type: 'string', pattern, default: '80', rule: 'digits' } },
  additionalProperties: false,
});

test('cached validator behaves like the compile: defaults filled, errors reported', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compiled-schema-'));
  const s = schema('^[0-9]+$');
  const fresh = compileCached(s, opts(dir));
  assert.ok(fs.existsSync(cacheFileFor(s, opts(dir))), 'the compile was cached');
  const cached = compileCached(s, opts(dir));
  assert.is.not(cached, fresh, 'second call loaded the cached file');
  const values: Record<string, string> = {};
  assert.ok(cached(values));
  assert.equal(values, { PORT: '80' });
  assert.not.ok(cached({ PORT: 'http' }));
  assert.is(cached.errors?.[0]?.keyword, 'pattern');
  assert.is(cached.errors?.[0]?.instancePath, '/PORT');
  assert.not.ok(cached({ OTHER: '1' }));
});

test('an edited schema never gets the old validator; a broken cache file is compiled again', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compiled-schema-'));
  assert.ok(compileCached(schema('^[0-9]+$'), opts(dir))({ PORT: '8080' }));
  const edited = schema('^[a-z]+$');
  assert.is.not(cacheFileFor(edited, opts(dir)), cacheFileFor(schema('^[0-9]+$'), opts(dir)));
  const v = compileCached(edited, opts(dir));
  assert.not.ok(v({ PORT: '8080' }), 'the edited pattern decides');
  assert.ok(v({ PORT: 'http' }));
  fs.writeFileSync(cacheFileFor(edited, opts(dir)), 'this is not javascript (');
  const again = compileCached(edited, opts(dir));
  assert.ok(again({ PORT: 'http' }));
  assert.not.ok(again({ PORT: '1' }));
});

test.run();
