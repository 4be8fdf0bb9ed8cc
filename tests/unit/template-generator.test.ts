// The new-service generator on the real template, writing into temp dirs.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import { parse } from 'yaml';
import * as assert from 'uvu/assert';
import { UsageError } from '../../tasks/engine/task.ts';
import newService, {
  generateService,
  validateServiceName,
  RESERVED_NAMES,
} from '../../tasks/cli/commands/new-service.ts';

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'new-service-'));
}

async function tree(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await tree(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

test('valid names pass; invalid ones are one-line usage errors saying why', () => {
  for (const ok of ['market-data', 'a', 'svc1', 'order-router-2', 'x'.repeat(63)]) validateServiceName(ok);
  const cases: [string, RegExp][] = [
    ['', /required/],
    ['Market', /not a valid service name/],
    ['1svc', /not a valid service name/],
    ['svc-', /not a valid service name/],
    ['my_svc', /not a valid service name/],
    ['a--b', /double dash/],
    ['x'.repeat(64), /at most 63/],
    ['kafka', /reserved/],
    ['kube-system', /reserved/],
  ];
  for (const [name, why] of cases) {
    try {
      validateServiceName(name);
      assert.unreachable(`'${name}' was accepted`);
    } catch (e) {
      assert.instance(e, UsageError, `'${name}'`);
      assert.match((e as Error).message, why);
      assert.not.match((e as Error).message, '\n');
    }
  }
  assert.ok(RESERVED_NAMES.includes('services'));
});

test('generates every template file with the placeholders substituted and escaped per file type', async () => {
  const root = await tempDir();
  try {
    const dir = path.join(root, 'pricing');
    const description = 'Prices "quotes" & the trader\'s \\ orders';
    const r = await generateService({ name: 'pricing', description, dir });
    assert.is(r.dir, dir);
    const files = await tree(dir);
    for (const f of [
      'package.json',
      'Dockerfile',
      'README.md',
      'src/main.ts',
      'src/service.ts',
      'src/lib/logging.ts',
      'k8s/deployment.yaml',
      'k8s/service.yaml',
      'k8s/configmap.yaml',
      'tests/unit/app.test.ts',
      'tests/integration/service.test.ts',
    ]) {
      assert.ok(files.includes(f), `missing ${f}`);
    }
    assert.equal(files, [...r.files].sort());
    for (const f of files)
      assert.not.match(await fs.readFile(path.join(dir, f), 'utf8'), /__SERVICE_[A-Z_]+__/, f);
    const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      description: string;
    };
    assert.is(pkg.name, 'pricing');
    assert.is(pkg.description, description);
    assert.match(await fs.readFile(path.join(dir, 'README.md'), 'utf8'), `# pricing\n\n${description}`);
    assert.match(
      await fs.readFile(path.join(dir, 'src/config.ts'), 'utf8'),
      "str(env, 'SERVICE_NAME', 'pricing')",
    );
    const deploy = parse(await fs.readFile(path.join(dir, 'k8s/deployment.yaml'), 'utf8')) as {
      metadata: { annotations: Record<string, string> };
    };
    assert.is(deploy.metadata.annotations.description, description);
    // The .ts escaping must leave a valid string literal: evaluate it.
    const svc = await fs.readFile(path.join(dir, 'src/service.ts'), 'utf8');
    const literal = /description: ('(?:[^'\\]|\\.)*')/.exec(svc)?.[1];
    assert.ok(literal, 'description literal in service.ts');
    assert.is(new Function(`return ${literal}`)(), description);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('an existing directory is refused and left untouched', async () => {
  const root = await tempDir();
  try {
    const dir = path.join(root, 'taken');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'keep.txt'), 'mine');
    try {
      await generateService({ name: 'taken', dir });
      assert.unreachable('generated over an existing directory');
    } catch (e) {
      assert.instance(e, UsageError);
      assert.match((e as Error).message, 'already exists');
    }
    assert.equal(await tree(root), ['taken/keep.txt']);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('a failure midway leaves nothing behind (no target dir, no temp dir)', async () => {
  const root = await tempDir();
  try {
    let written = 0;
    try {
      await generateService({
        name: 'halfway',
        dir: path.join(root, 'halfway'),
        onFile: () => {
          if (++written === 5) throw new Error('disk full (injected)');
        },
      });
      assert.unreachable('the injected failure was swallowed');
    } catch (e) {
      assert.match((e as Error).message, 'injected');
    }
    assert.is(written, 5);
    assert.equal(await fs.readdir(root), []);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('the command: prints where it generated; a bad name is a UsageError before anything is written', async () => {
  const root = await tempDir();
  const out: string[] = [];
  const io = {
    out: (l: string) => void out.push(l),
    err: () => undefined,
    event: () => undefined,
    json: false,
    signal: new AbortController().signal,
    target: () => Promise.reject(new Error('new-service asked for a target')),
  };
  try {
    const code = await newService.run(
      { positionals: ['quotes'], values: { dir: path.join(root, 'q'), description: 'Quotes' } },
      io,
    );
    assert.is(code, 0);
    assert.match(out.join('\n'), /generated .*q \(\d+ files\)/);
    let err: unknown;
    await newService
      .run({ positionals: ['Bad_Name'], values: { dir: path.join(root, 'b') } }, io)
      .catch((e) => (err = e));
    assert.instance(err, UsageError);
    assert.equal((await fs.readdir(root)).sort(), ['q']);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

test.run();
