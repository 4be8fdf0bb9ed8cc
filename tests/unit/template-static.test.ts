// Static validation of a generated service's Dockerfile and k8s manifests (no Docker engine runs
// here). hadolint is not packaged for Debian, so the Dockerfile gets a structural check of the
// rules the template promises; the manifests are checked for the fields the platform relies on
// and validated strictly against the Kubernetes schemas by kubernetes-validate (the docker-paths
// tooling in tests/support/docker-validators.ts).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { generateService } from '../../tasks/cli/commands/new-service.ts';
import { validateKubernetes } from '../support/docker-validators.ts';
import { loud } from '../support/loud-hook.ts';

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Dockerfile → instructions (continuations joined, comments and parser directives dropped). */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!buf && (line === '' || line.startsWith('#'))) return;
    if (!buf) start = i + 1;
    buf += (buf ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) return;
    const m = /^(\S+)\s*(.*)$/.exec(buf);
    if (m?.[1]) out.push({ op: m[1].toUpperCase(), args: m[2] ?? '', line: start });
    buf = '';
  });
  return out;
}

let root = '';
let dir = '';

test.before(
  loud(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'template-static-'));
    dir = (
      await generateService({
        name: 'static-check',
        description: 'static validation',
        dir: path.join(root, 'static-check'),
      })
    ).dir;
  }),
);
test.after(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

test('Dockerfile: multi-stage, pinned base, non-root runtime, exec-form CMD, healthcheck, sources it copies exist', async () => {
  const ins = parseDockerfile(await fs.readFile(path.join(dir, 'Dockerfile'), 'utf8'));
  const froms = ins.filter((i) => i.op === 'FROM');
  assert.ok(froms.length >= 2, `multi-stage: ${froms.length} FROM`);
  const stages = froms.map((f) => /\bAS\s+(\S+)/i.exec(f.args)?.[1]);
  for (const [i, s] of stages.entries()) assert.ok(s, `FROM at line ${froms[i]?.line} names its stage`);
  for (const f of froms) {
    const image = f.args.split(/\s+/)[0] ?? '';
    assert.ok(image.includes(':') && !image.endsWith(':latest'), `FROM ${image}: pin a tag, never latest`);
  }
  for (const c of ins.filter((i) => i.op === 'COPY' && i.args.includes('--from='))) {
    const from = /--from=(\S+)/.exec(c.args)?.[1];
    assert.ok(from && stages.includes(from), `COPY --from=${from} at line ${c.line} names a stage`);
  }
  const lastFrom = ins.lastIndexOf(froms[froms.length - 1] as Instruction);
  const runtime = ins.slice(lastFrom);
  const user = runtime.filter((i) => i.op === 'USER').pop();
  assert.ok(user, 'the runtime stage sets USER');
  assert.not.ok(['root', '0', '0:0'].includes(user.args.trim()), `runtime USER ${user.args} is root`);
  const cmd = runtime.filter((i) => i.op === 'CMD').pop();
  assert.ok(cmd && cmd.args.startsWith('['), 'CMD in exec form, so node is PID 1 and gets SIGTERM');
  assert.equal(JSON.parse(cmd.args), ['node', '--no-warnings', 'src/main.ts']);
  assert.ok(
    runtime.some((i) => i.op === 'HEALTHCHECK'),
    'HEALTHCHECK in the runtime stage',
  );
  assert.ok(
    runtime.some((i) => i.op === 'EXPOSE' && i.args.split(/\s+/).includes('8000')),
    'EXPOSE 8000',
  );
  assert.not.ok(
    ins.some((i) => i.op === 'ADD'),
    'COPY, not ADD',
  );
  assert.not.ok(
    ins.some((i) => i.op === 'RUN' && /\b(sudo|curl[^|]*\|\s*sh)\b/.test(i.args)),
    'no sudo or curl|sh',
  );
  // Every local source of a COPY exists in the generated service (globs like lock* may match nothing).
  for (const c of ins.filter((i) => i.op === 'COPY' && !i.args.includes('--from='))) {
    const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    for (const src of parts.slice(0, -1)) {
      if (src.includes('*')) continue;
      await fs
        .access(path.join(dir, src))
        .catch(() => assert.unreachable(`COPY ${src} (line ${c.line}): no such file in the service`));
    }
  }
  // .dockerignore keeps node_modules out of the build context.
  assert.match(await fs.readFile(path.join(dir, '.dockerignore'), 'utf8'), /^node_modules$/m);
});

// Manifests are walked by the assertions below; a missing field fails the assertion that reads it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;

async function docs(file: string): Promise<Manifest[]> {
  const text = await fs.readFile(path.join(dir, 'k8s', file), 'utf8');
  const parsed = parseAllDocuments(text);
  for (const d of parsed) assert.equal(d.errors, [], `${file}: YAML errors`);
  return parsed.map((d) => d.toJS() as Manifest);
}

test('k8s: Deployment probes/resources/non-root, Service selects its pods on the named port, ConfigMap holds only known settings', async () => {
  const [deploy] = await docs('deployment.yaml');
  const [svc] = await docs('service.yaml');
  const [cm] = await docs('configmap.yaml');
  assert.is(deploy?.kind, 'Deployment');
  assert.is(svc?.kind, 'Service');
  assert.is(cm?.kind, 'ConfigMap');
  for (const o of [deploy, svc, cm]) {
    assert.is(o?.metadata?.namespace, 'services', `${o?.kind} namespace`);
    assert.is(o?.metadata?.labels?.['app.kubernetes.io/name'], 'static-check');
  }
  const podLabels = deploy?.spec?.template?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(deploy?.spec?.selector?.matchLabels ?? {}))
    assert.is(podLabels[k], v, `selector ${k}`);
  for (const [k, v] of Object.entries(svc?.spec?.selector ?? {}))
    assert.is(podLabels[k], v, `service selector ${k}`);
  const pod = deploy?.spec?.template?.spec;
  assert.is(pod?.securityContext?.runAsNonRoot, true);
  const [c] = pod?.containers ?? [];
  assert.ok(c, 'one container');
  assert.equal(c.livenessProbe?.httpGet?.path, '/health');
  assert.equal(c.readinessProbe?.httpGet?.path, '/ready');
  const portNames = (c.ports ?? []).map((p: { name: string }) => p.name);
  for (const probe of [c.livenessProbe, c.readinessProbe])
    assert.ok(portNames.includes(probe.httpGet.port), `probe port ${probe.httpGet.port}`);
  assert.ok(
    portNames.includes(svc?.spec?.ports?.[0]?.targetPort),
    'service targetPort names a container port',
  );
  for (const k of ['cpu', 'memory']) {
    assert.ok(c.resources?.requests?.[k], `requests.${k}`);
    assert.ok(c.resources?.limits?.[k], `limits.${k}`);
  }
  assert.is(c.securityContext?.allowPrivilegeEscalation, false);
  assert.is(c.envFrom?.[0]?.configMapRef?.name, cm?.metadata?.name);
  // Drain (SHUTDOWN_TIMEOUT_MS) must fit in the kubelet's grace period.
  assert.ok(
    Number(cm?.data?.SHUTDOWN_TIMEOUT_MS) / 1000 < pod?.terminationGracePeriodSeconds,
    'shutdown bound < terminationGracePeriodSeconds',
  );
  const configSource = await fs.readFile(path.join(dir, 'src', 'config.ts'), 'utf8');
  for (const key of Object.keys(cm?.data ?? {}))
    assert.match(configSource, `'${key}'`, `ConfigMap key ${key} is read by src/config.ts`);
});

test('k8s: every manifest validates strictly against the Kubernetes schemas (kubernetes-validate)', async () => {
  for (const f of ['deployment.yaml', 'service.yaml', 'configmap.yaml']) {
    const r = await validateKubernetes(path.join(dir, 'k8s', f));
    assert.ok(r.ok, `${f}:\n${r.lines.join('\n')}`);
  }
});

test.run();
