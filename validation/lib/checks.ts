// Small builders for checks every task uses: a skip when the target cannot provide an endpoint,
// the proof of a check that measures a component through its endpoint, and the stand-ins this
// project uses for the seed's Python and Redpanda choices.
import { check, type Check, type Proof, type Substitute } from '../../tasks/engine/task.ts';
import { isAvailable, type Endpoint } from '../../tasks/targets/target.ts';
import type { CheckSpec } from './define-check.ts';

/** A skip carrying the target's reason when `e` is unavailable; undefined when the check can run. */
export const skipFor = (
  id: string,
  title: string,
  e: Endpoint,
  criteria: string[],
  proof: Proof = 'live',
): Check | undefined =>
  isAvailable(e)
    ? undefined
    : check({ id, title, criteria, status: 'skip', proof, reason: e.unavailable, ...standInOf(e) });

/** Spread into a skip for an unavailable endpoint: carries the target's stand-in, if it names one. */
export const standInOf = (e: Endpoint): { standIn?: string } =>
  !isAvailable(e) && e.standIn ? { standIn: e.standIn } : {};

/** A measured figure against an upper bound: pass when strictly below. */
export const below = (value: number, limit: number): 'pass' | 'fail' => (value < limit ? 'pass' : 'fail');

/**
 * The proof of a check that measures the component answering at `e`: `live`, or `substitute`
 * naming the stand-in when the target says the endpoint is one (native Kafka for Redpanda).
 */
export const proofVia = (e: Endpoint): { proof: 'live' } | { proof: 'substitute'; substitute: Substitute } =>
  isAvailable(e) && e.substitute ? { proof: 'substitute', substitute: e.substitute } : { proof: 'live' };

/** Where the project deliberately replaces the seed's Python stack (by a named equivalent). */
export const SUBSTITUTES = {
  poetry: { for: 'Poetry (Python dependencies)', by: 'npm ci from package-lock.json' },
  // black and isort are formatters: no step checks formatting here (Prettier is `make format` only).
  pythonLinters: { for: 'flake8 and mypy (black and isort: no formatter check runs)', by: 'ESLint and tsc --noEmit' },
  pythonSettings: { for: 'the Python app settings loader', by: 'the typed TypeScript settings loader' },
  pythonOtelSdk: { for: 'the OpenTelemetry Python SDK', by: 'the OpenTelemetry JavaScript SDK' },
  fastapi: { for: 'FastAPI', by: 'Fastify' },
  // REQ-0.1 is the k3d cluster's memory (docker stats of its node containers, 0-2.memory): without
  // Docker, the native stack's processes are measured against the same 4 GB budget instead.
  clusterMemory: {
    for: 'the local k3d cluster (REQ-0.1: its node containers in docker stats, 0-2.memory)',
    by: 'the RSS of every native platform process against the same 4 GB',
  },
} as const satisfies Record<string, Substitute>;

/** Spread into a check: `...substitute(SUBSTITUTES.fastapi)`. */
export const substitute = (s: Substitute): { proof: 'substitute'; substitute: Substitute } => ({
  proof: 'substitute',
  substitute: s,
});

/**
 * 0-13.ac1, declared once for its two sides: the k3d target measures it (its demo is a
 * Deployment), the 0-13 node reports it as a skip where the demo runs outside Kubernetes.
 */
export const DEMO_K8S_SPEC = {
  id: '0-13.demo-k8s',
  criteria: ['0-13.ac1'],
  title: 'Demo service deployed to Kubernetes (examples/demo-service/k8s)',
  proof: 'live',
} as const satisfies CheckSpec;
