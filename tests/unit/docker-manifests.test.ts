// Static verification of the Docker paths (no Docker engine runs here): every YAML under
// manifests/ parses; kustomize renders the k8s dirs and every object validates strictly against
// the Kubernetes schemas; the k3d config validates against k3d's own v1alpha5 schema; the
// Compose files validate against the Compose Specification schema and carry the seed's
// services, ports, volumes and health checks.
/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped documents; each assertion checks the shape it reads */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { loadVersions, withImageBlock } from '../../tasks/config/versions.ts';
import {
  composeSpecValidator,
  k3dConfigValidator,
  kustomizeBuild,
  validateKubernetes,
} from '../support/docker-validators.ts';

const M = path.join(REPO_ROOT, 'manifests');
const COMPOSE = path.join(M, 'compose');
const readYaml = (file: string): Record<string, any> =>
  parse(readFileSync(file, 'utf8')) as Record<string, any>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(name) ? [p] : [];
  });
}

/** Kustomization directories this issue owns; others' Helm values are not kustomizations. */
const KUSTOMIZE_DIRS = ['k8s/namespaces', 'k8s/infra/redpanda'];

test('every YAML file under manifests/ parses', () => {
  const files = yamlFiles(M);
  assert.ok(files.length >= 8, `found only ${files.length} YAML files`);
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      assert.equal(doc.errors.map(String), [], `${path.relative(REPO_ROOT, f)} does not parse`);
    }
  }
});

test('kustomize renders each k8s dir and every object validates strictly against the Kubernetes schemas', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'k8s-validate-'));
  try {
    for (const dir of KUSTOMIZE_DIRS) {
      const rendered = await kustomizeBuild(path.join(M, dir));
      const file = path.join(tmp, `${dir.replaceAll('/', '_')}.yaml`);
      writeFileSync(file, rendered);
      const r = await validateKubernetes(file);
      assert.ok(r.ok, `${dir}: ${r.lines.join('; ')}`);
      const objects = parseAllDocuments(rendered).length;
      assert.is(
        r.lines.filter((l) => l.includes(' passed ')).length,
        objects,
        `${dir}: every object checked`,
      );
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the Kubernetes validator rejects an object with an unknown field (it can fail)', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'k8s-validate-'));
  try {
    const file = path.join(tmp, 'bad.yaml');
    const rendered = await kustomizeBuild(path.join(M, 'k8s/infra/redpanda'));
    writeFileSync(file, rendered.replace('serviceName: redpanda', 'serviceName: redpanda\n  replica: 1'));
    const r = await validateKubernetes(file);
    assert.not.ok(r.ok, 'a misspelt StatefulSet field must fail');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** Plain manifest folders the k3d target applies with `kubectl apply -f` (owned by other parts). */
const APPLIED_DIRS = [
  'manifests/k8s/infra/grafana',
  'manifests/k8s/infra/prometheus/objects',
  'examples/demo-service/k8s',
];
/** Custom resources: their schemas come with the chart (kube-prometheus-stack), not with Kubernetes. */
const CRD_KINDS = ['PrometheusRule', 'ServiceMonitor', 'PodMonitor'];

test('the manifests the k3d target applies with kubectl apply -f validate strictly (custom resources named)', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'k8s-validate-'));
  try {
    for (const dir of APPLIED_DIRS) {
      const files = yamlFiles(path.join(REPO_ROOT, dir));
      assert.ok(files.length > 0, `${dir} has manifests`);
      // One validator run per folder: its start-up (loading the schemas) dominates.
      const all = files.map((f) => readFileSync(f, 'utf8')).join('\n---\n');
      const file = path.join(tmp, `${dir.replaceAll('/', '_')}.yaml`);
      writeFileSync(file, all);
      const r = await validateKubernetes(file);
      assert.ok(r.ok, `${dir}: ${r.lines.join('; ')}`);
      const unknown = r.lines.filter((l) => l.includes("Couldn't find schema"));
      for (const l of unknown)
        assert.ok(
          CRD_KINDS.some((k) => l.includes(`kind ${k} `)),
          `no schema: ${l}`,
        );
      const objects = parseAllDocuments(all).filter((d) => d.toJS() != null).length;
      const passed = r.lines.filter((l) => l.includes(' passed ')).length;
      assert.is(passed + unknown.length, objects, `${dir}: every object checked`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('namespaces: infra and services', async () => {
  const docs = parseAllDocuments(await kustomizeBuild(path.join(M, 'k8s/namespaces'))).map((d) => d.toJS());
  assert.equal(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort(), [
    'Namespace/infra',
    'Namespace/services',
  ]);
});

test('Redpanda (k3d): StatefulSet, PVC 10Gi, limits, ports, readiness on the admin API, external 19092', async () => {
  const docs = parseAllDocuments(await kustomizeBuild(path.join(M, 'k8s/infra/redpanda'))).map((d) =>
    d.toJS(),
  );
  const byKind = (kind: string, name: string) => {
    const d = docs.find((x) => x.kind === kind && x.metadata.name === name);
    assert.ok(d, `${kind}/${name} rendered`);
    return d;
  };
  const sts = byKind('StatefulSet', 'redpanda');
  assert.is(sts.metadata.namespace, 'infra');
  assert.is(sts.spec.replicas, 1);
  const c = sts.spec.template.spec.containers[0];
  assert.match(c.image, /^docker\.redpanda\.com\/redpandadata\/redpanda:v26\.1\.\d+$/);
  const args: string[] = c.args;
  const flag = (f: string) => args[args.indexOf(f) + 1];
  assert.is(flag('--smp'), '1');
  assert.is(flag('--mode'), 'dev-container');
  assert.ok(args.includes('--memory'), 'sets --memory');
  assert.equal(c.resources.limits, { cpu: '1', memory: '1Gi' });
  assert.match(flag('--advertise-kafka-addr') ?? '', /external:\/\/localhost:19092/);
  assert.equal(c.readinessProbe.httpGet, { path: '/v1/status/ready', port: 'admin' });
  const ports = Object.fromEntries(c.ports.map((p: any) => [p.name, p.containerPort]));
  assert.is(ports.admin, 9644);
  assert.is(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '10Gi');

  const svc = byKind('Service', 'redpanda');
  assert.equal(
    svc.spec.ports.map((p: any) => p.port).filter((p: number) => [9092, 8081, 9644].includes(p)),
    [9092, 8081, 9644],
  );
  const ext = byKind('Service', 'redpanda-external');
  assert.is(ext.spec.type, 'LoadBalancer');
  assert.equal(
    ext.spec.ports.map((p: any) => p.port),
    [19092],
  );

  const job = byKind('Job', 'redpanda-create-topics');
  const cm = byKind('ConfigMap', 'redpanda-topics');
  assert.ok(cm.data['create-topics.sh'] && cm.data['topics.txt'], 'script and list in the ConfigMap');
  assert.is(job.spec.template.spec.volumes[0].configMap.name, 'redpanda-topics');
});

test('k3d cluster config validates against k3d v1alpha5 schema and matches the seed', async () => {
  const validate = await k3dConfigValidator();
  const cfg = readYaml(path.join(M, 'k3d/cluster.yaml'));
  assert.ok(validate(cfg), JSON.stringify(validate.errors));
  assert.is(cfg.apiVersion, 'k3d.io/v1alpha5');
  assert.is(cfg.kind, 'Simple');
  assert.is(cfg.servers, 1);
  assert.is(cfg.agents, 2);
  const lbPorts = (cfg.ports as any[])
    .filter((p) => p.nodeFilters.includes('loadbalancer'))
    .map((p) => p.port);
  assert.equal(lbPorts, ['8080:80', '8443:443', '19092:19092']);
  const args = (cfg.options.k3s.extraArgs as any[]).map((a) => a.arg);
  assert.ok(args.includes('--disable=traefik'), 'Traefik disabled');
  // The schema is strict (additionalProperties false): it can fail.
  assert.not.ok(validate({ ...cfg, agent: 2 }), 'an unknown key fails');
});

type Service = {
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
};

/** The services of a compose file with its `include`s merged (as compose does). */
function composeServices(file: string): Record<string, Service> {
  const doc = readYaml(file);
  const included = ((doc.include ?? []) as string[]).map((f) =>
    composeServices(path.join(path.dirname(file), f)),
  );
  return Object.assign({}, ...included, doc.services);
}

test('Compose files validate against the Compose Specification schema', async () => {
  const validate = await composeSpecValidator();
  for (const f of ['docker-compose.infra.yml', 'docker-compose.yml']) {
    assert.ok(validate(readYaml(path.join(COMPOSE, f))), `${f}: ${JSON.stringify(validate.errors)}`);
  }
  assert.not.ok(
    validate({ services: { x: { image: 'a', healthcheck: { interval: 5 } } } }),
    'the schema can fail',
  );
});

test('Compose infra: the seed services with their ports, named volumes and a health check on every long-running service', () => {
  const file = path.join(COMPOSE, 'docker-compose.infra.yml');
  const doc = readYaml(file);
  const services = composeServices(file);
  for (const s of ['redpanda', 'prometheus', 'grafana', 'loki', 'tempo', 'alloy', 'kafka-exporter']) {
    assert.ok(services[s], `service ${s}`);
  }
  const published = (s: string) =>
    (services[s]!.ports ?? []).map((p) => p.replace(/^\$\{\w+:-(\d+)\}/, '$1'));
  assert.ok(published('redpanda').includes('19092:19092'));
  assert.ok(published('grafana').includes('3000:3000'));
  assert.ok(published('prometheus').includes('9090:9090'));
  assert.ok(published('loki').includes('3100:3100'));
  assert.ok(published('tempo').includes('3200:3200') && published('tempo').includes('4317:4317'));

  const oneShots = new Set(
    Object.values(services).flatMap((s) =>
      Object.entries(s.depends_on ?? {})
        .filter(([, d]) => d.condition === 'service_completed_successfully')
        .map(([name]) => name),
    ),
  );
  // A distroless image (no probe program) is probed from outside: another service's health
  // check asks its address (tempo-ready for Tempo).
  const probedFromOutside = (name: string) =>
    Object.values(services).some((o) =>
      JSON.stringify(o.healthcheck?.test ?? '').includes(`http://${name}:`),
    );
  for (const [name, s] of Object.entries(services)) {
    if (oneShots.has(name)) continue;
    assert.ok(
      (s.healthcheck?.test && !s.healthcheck.disable) || probedFromOutside(name),
      `${name} has a health check or is probed from outside`,
    );
  }
  // Every one-shot is adopted by a long-running service, or `up --wait` fails on its exit 0.
  assert.ok(oneShots.has('redpanda-init') && oneShots.has('tempo-init'));

  const named = Object.keys(doc.volumes ?? {});
  for (const [svc, vol] of [
    ['redpanda', 'redpanda-data'],
    ['prometheus', 'prometheus-data'],
    ['grafana', 'grafana-data'],
    ['loki', 'loki-data'],
    ['tempo', 'tempo-data'],
  ] as const) {
    assert.ok(named.includes(vol), `named volume ${vol}`);
    assert.ok(
      services[svc]!.volumes!.some((v) => v.startsWith(`${vol}:`)),
      `${svc} mounts ${vol}`,
    );
  }
});

test('Compose full stack: the infrastructure plus the demo service, health-checked', () => {
  const services = composeServices(path.join(COMPOSE, 'docker-compose.yml'));
  assert.ok(services.redpanda && services.prometheus, 'includes the infrastructure');
  assert.ok(services.demo?.healthcheck?.test, 'demo service with a health check');
});

test('.env.docker: every setting is used by the compose files, ports with the same default, images from manifests/versions.yaml', () => {
  const env = Object.fromEntries(
    readFileSync(path.join(COMPOSE, '.env.docker'), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const text = ['docker-compose.infra.yml', 'docker-compose.yml']
    .map((f) => readFileSync(path.join(COMPOSE, f), 'utf8'))
    .join('\n');
  const defaults = new Map<string, Set<string>>();
  for (const m of text.matchAll(/\$\{(\w+):-([^}]*)\}/g)) {
    defaults.set(m[1]!, (defaults.get(m[1]!) ?? new Set()).add(m[2]!));
  }
  const envText = readFileSync(path.join(COMPOSE, '.env.docker'), 'utf8');
  assert.is(
    envText,
    withImageBlock(envText, loadVersions()),
    'image lines generated from manifests/versions.yaml',
  );
  const required = new Set([...text.matchAll(/\$\{(\w+):\?[^}]*\}/g)].map((m) => m[1]!));
  for (const [k, v] of Object.entries(env)) {
    if (k.endsWith('_IMAGE')) {
      assert.ok(required.has(k), `${k}: the compose files require it (no default copy of the version)`);
      continue;
    }
    if (k === 'COMPOSE_PROJECT_NAME') {
      assert.is(v, readYaml(path.join(COMPOSE, 'docker-compose.infra.yml')).name);
      continue;
    }
    assert.equal([...(defaults.get(k) ?? [])], [v], `${k}: .env.docker and the compose default agree`);
  }
});

test.run();
