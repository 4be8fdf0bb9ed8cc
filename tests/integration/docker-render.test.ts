// The Docker paths proven with the real tools on the real artifacts (issue 12): helm renders the
// pinned charts from the offline mirror, kubeconform validates, k3d's and compose-go's own
// loaders load the configs. The repository passes, and each kind of check fails on a
// deliberately broken input. The tools are built once into the tools cache (dev-setup does it),
// so this suite is an integration one: it runs real external programs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadVersions, type Versions } from '../../tasks/config/versions.ts';
import { UsageError } from '../../tasks/engine/task.ts';
import { REPO_ROOT, resolvePaths } from '../../tasks/paths.ts';
import {
  runDockerPathChecks,
  composeError,
  type Part,
  type RenderInputs,
} from '../../validation/docker/render.ts';
import { healthcheckPrograms, probeProblems, scriptPrograms } from '../../validation/docker/probes.ts';
import { passThroughPaths } from '../../validation/docker/values-keys.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'docker-render-'));
const write = (name: string, text: string) => {
  const f = path.join(tmp, name);
  writeFileSync(f, text);
  return f;
};
const read = (rel: string) => readFileSync(path.join(REPO_ROOT, rel), 'utf8');
const versions = (): Versions => structuredClone(loadVersions());
/** Only the tempo chart: the smallest, enough for the failure cases. */
const tempoOnly = (v: Versions, values?: string): Versions => ({
  ...v,
  charts: { tempo: { ...v.charts.tempo!, ...(values ? { values } : {}) } },
});

const inputs = (over: Partial<RenderInputs> = {}): RenderInputs => ({
  versions: loadVersions(),
  cache: resolvePaths().cache,
  // A stand-in value: the loaders need the variable set, never its content.
  composeEnv: { GRAFANA_ADMIN_PASSWORD: 'not-a-secret-test-value' },
  composeExtendEnv: false,
  compose: [
    { file: 'manifests/compose/docker-compose.infra.yml', envFiles: ['manifests/compose/.env.docker'] },
    { file: 'manifests/compose/docker-compose.yml', envFiles: ['manifests/compose/.env.docker'] },
  ],
  k3dConfig: 'manifests/k3d/cluster.yaml',
  kustomizeDirs: ['manifests/k8s/namespaces', 'manifests/k8s/infra/redpanda'],
  manifestPaths: [
    'manifests/k8s/infra/grafana',
    'manifests/k8s/infra/prometheus/objects',
    'examples/demo-service/k8s',
  ],
  ...over,
});
const part = (parts: Part[], id: Part['id']) => {
  const p = parts.find((x) => x.id === id);
  assert.ok(p, `part ${id} ran`);
  return p;
};

test('the repository: every release renders, validates, loads and probes with the real tools', async () => {
  const parts = await runDockerPathChecks(inputs());
  assert.equal(
    parts.map((p) => p.id),
    ['render', 'values-keys', 'kubeconform', 'k3d-config', 'compose-config', 'probes'],
  );
  for (const p of parts) assert.ok(p.ok, `${p.id}: ${p.problems.join(' | ')}`);
  assert.match(
    part(parts, 'render').evidence,
    /kube-prometheus-stack 88\.5\.3 .*loki 18\.11\.0 .*alloy 1\.11\.1 .*tempo 2\.2\.4/,
  );
  const valid = Number(/(\d+) valid/.exec(part(parts, 'kubeconform').evidence)?.[1]);
  assert.ok(valid > 150, `kubeconform validated ${valid} objects`);
  assert.match(part(parts, 'probes').evidence, /^\d+ health checks/);
});

test('a values key the chart lacks: the file, the key and the chart on one line', async () => {
  const values = write(
    'tempo-typo.yaml',
    read('manifests/k8s/infra/tempo/values.yaml').replace('  retention: 168h', '  retentin: 168h'),
  );
  const [keys] = await runDockerPathChecks(
    inputs({ versions: tempoOnly(versions(), values), only: ['values-keys'] }),
  );
  assert.not.ok(keys!.ok);
  assert.equal(keys!.problems, [
    `${values}: key tempo.retentin is not defined by the chart tempo 2.2.4 (Helm ignores it)`,
  ]);
});

test('values that break the chart fail the render (jaeger: null broke the tempo chart)', async () => {
  const values = write(
    'tempo-null.yaml',
    read('manifests/k8s/infra/tempo/values.yaml').replace(
      '  receivers:\n',
      '  receivers:\n    jaeger: null\n',
    ),
  );
  const [render] = await runDockerPathChecks(
    inputs({ versions: tempoOnly(versions(), values), only: ['render'] }),
  );
  assert.not.ok(render!.ok);
  assert.match(
    render!.problems[0]!,
    /helm template tempo \(tempo 2\.2\.4\) failed: .*nil pointer evaluating interface \{\}\.protocols/,
  );
});

test('an invalid object fails kubeconform -strict', async () => {
  const bad = write(
    'bad-deployment.yaml',
    read('examples/demo-service/k8s/deployment.yaml').replace(/^(\s+)replicas:/m, '$1replica:'),
  );
  const [kc] = await runDockerPathChecks(
    inputs({
      versions: { ...versions(), charts: {} },
      kustomizeDirs: [],
      manifestPaths: [bad],
      only: ['kubeconform'],
    }),
  );
  assert.not.ok(kc!.ok);
  assert.match(kc!.problems.join('\n'), /Deployment demo-service: .*replica/);
});

test("a bad k3d field fails k3d's own loader; an unpinned k3s image fails too", async () => {
  const cfg = read('manifests/k3d/cluster.yaml');
  const bad = write('k3d-bad.yaml', cfg.replace('agents: 2', 'agents: two'));
  const [k3d] = await runDockerPathChecks(inputs({ k3dConfig: bad, only: ['k3d-config'] }));
  assert.not.ok(k3d!.ok);
  assert.match(k3d!.problems[0]!, /k3d-bad\.yaml: .*agents/i);
  const traefik = write('k3d-traefik.yaml', cfg.replace('--disable=traefik', '--disable=metrics-server'));
  const [k3d3] = await runDockerPathChecks(inputs({ k3dConfig: traefik, only: ['k3d-config'] }));
  assert.equal(k3d3!.problems, [`${traefik}: the server does not run with --disable=traefik`]);
  const unpinned = write('k3d-unpinned.yaml', cfg.replace(/^image: .*$/m, ''));
  const [k3d2] = await runDockerPathChecks(inputs({ k3dConfig: unpinned, only: ['k3d-config'] }));
  assert.not.ok(k3d2!.ok);
  assert.match(k3d2!.problems[0]!, /server node image .* is not the pinned rancher\/k3s:/);
});

test('a compose file missing a variable: one line naming it', async () => {
  const [compose] = await runDockerPathChecks(
    inputs({ composeEnv: {}, compose: [inputs().compose[0]!], only: ['compose-config'] }),
  );
  assert.not.ok(compose!.ok);
  assert.is(compose!.problems.length, 1);
  assert.match(
    compose!.problems[0]!,
    /^manifests\/compose\/docker-compose\.infra\.yml: required variable GRAFANA_ADMIN_PASSWORD is not set \(/,
  );
  // Without the env file every image variable is missing: still one line, naming them.
  const [noEnvFile] = await runDockerPathChecks(
    inputs({
      compose: [{ file: 'manifests/compose/docker-compose.infra.yml', envFiles: [] }],
      only: ['compose-config'],
    }),
  );
  assert.is(noEnvFile!.problems.length, 1);
  assert.match(
    noEnvFile!.problems[0]!,
    /required variable .*TEMPO_IMAGE.* are not set \(pass --env-file manifests\/compose\/\.env\.docker/,
  );
});

test('a health check calling a program its image lacks fails (Tempo is distroless)', async () => {
  const file = write(
    'compose-wget.yml',
    [
      'services:',
      '  tempo:',
      '    image: ${TEMPO_IMAGE:?pass the env file}',
      '    healthcheck:',
      '      test: ["CMD", "wget", "-qO", "/dev/null", "http://127.0.0.1:3200/ready"]',
      '',
    ].join('\n'),
  );
  const [probes] = await runDockerPathChecks(
    inputs({
      compose: [{ file, envFiles: ['manifests/compose/.env.docker'] }],
      versions: { ...versions(), charts: {} },
      kustomizeDirs: [],
      manifestPaths: [],
      only: ['probes'],
    }),
  );
  assert.not.ok(probes!.ok);
  assert.match(
    probes!.problems[0]!,
    /service tempo health check runs wget, which grafana\/tempo:\S+ does not contain/,
  );
});

test('a chart missing from the mirror with no network: one line naming the file and how to get it (exit 2)', async () => {
  const v = versions();
  v.charts = { tempo: { ...v.charts.tempo!, version: '0.0.0-missing', url: 'http://127.0.0.1:9/charts' } };
  try {
    await runDockerPathChecks(inputs({ versions: v, env: { CHARTS_DIR: tmp }, only: ['render'] }));
    assert.unreachable('a missing chart must be a configuration error');
  } catch (e) {
    assert.instance(e, UsageError);
    const msg = (e as Error).message;
    assert.not.match(msg, /\n/);
    assert.match(
      msg,
      /^chart tempo-0\.0\.0-missing\.tgz is not in the chart mirror \(.*\) and could not be pulled from http:\/\/127\.0\.0\.1:9\/charts .*copy tempo-0\.0\.0-missing\.tgz into the mirror or set CHARTS_DIR/,
    );
  }
});

test('health-check parsing: shell scripts, builtins, redirections, distroless images', () => {
  assert.equal(
    healthcheckPrograms(['CMD-SHELL', `wget -qO- http://x/api/health | grep -q '"database": *"ok"'`]),
    ['sh', 'wget', 'grep'],
  );
  assert.equal(
    healthcheckPrograms([
      'CMD',
      'bash',
      '-c',
      "exec 3<>/dev/tcp/127.0.0.1/1 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3",
    ]),
    ['bash', 'grep'],
  );
  assert.equal(scriptPrograms("trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"), ['sleep']);
  const images = {
    t: { image: 'x/tempo:1', probes: [], source: 'Dockerfile' },
    l: { image: 'x/loki:1', probes: ['/usr/bin/loki'], source: 'D' },
  };
  assert.equal(
    probeProblems([{ where: 'w', image: 'x/loki:1', argv: ['/usr/bin/loki', '-health'] }], images),
    [],
  );
  assert.match(probeProblems([{ where: 'w', image: 'x/tempo:1', argv: ['wget'] }], images)[0]!, /distroless/);
  assert.match(
    probeProblems([{ where: 'w', image: 'x/other:1', argv: ['sh'] }], images)[0]!,
    /not in manifests\/versions\.yaml/,
  );
});

test('compose errors and pass-through maps', () => {
  assert.is(
    composeError(
      'f.yml',
      'error while interpolating services.a.image: required variable A is missing a value: set it error while interpolating services.b.image: required variable B is missing a value: set it',
    ),
    'f.yml: required variable A, B are not set (set it)',
  );
  assert.equal(
    passThroughPaths('{{- toYaml .Values.loki.limits_config | nindent 4 }} {{ if .Values.x.y }}'),
    ['loki.limits_config'],
  );
  assert.equal(
    passThroughPaths(
      '{{- with .Values.a.b }}\nk:\n  {{- toYaml . | nindent 2 }}\n{{- end }}{{- with .Values.c }}{{ .d }}{{ end }}',
    ),
    ['a.b'],
  );
});

test('the docs say what runs (from the versions file) and how both Docker paths work on Docker Desktop', () => {
  const v = loadVersions();
  const guide = read('docs/developer-guide/docker-compose-vs-k8s.md');
  const tempo = /^Tempo (\S+)/.exec(v.charts.tempo!.runs)![1]!;
  assert.match(guide, `tempo ${v.charts.tempo!.version} → **Tempo ${tempo}**`);
  assert.match(guide, `\`${v.images.tempo!.image}\``);
  assert.match(guide, '## Docker Desktop (macOS, Windows)');
  assert.match(guide, 'K3D_FIX_MOUNTS=1');
  assert.match(
    read('docs/developer-guide/kubernetes-cluster.md'),
    `K3D_FIX_MOUNTS=1 k3d cluster create --config ${'manifests/k3d/cluster.yaml'}`,
  );
  assert.match(read('README.md'), `**Tempo ${tempo}**`);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
