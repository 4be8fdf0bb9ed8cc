// A check only the k3d target can give (seed 0-13.ac1): the demo service deployed to Kubernetes.
import { execa } from 'execa';
import type { PlatformContext } from '../../context.ts';
import { check, type Check } from '../../engine/task.ts';
import { DEMO_SERVICE } from '../target.ts';

/** 0-13.ac1 on k3d: the demo runs from examples/demo-service/k8s as a Deployment with every replica ready. */
export async function demoDeployedCheck(_ctx: PlatformContext): Promise<Check> {
  const id = '0-13.demo-k8s';
  const title = 'Demo service deployed to Kubernetes (examples/demo-service/k8s)';
  const r = await execa(
    'kubectl',
    [
      '-n',
      'services',
      'get',
      'deployment',
      DEMO_SERVICE,
      '-o',
      'jsonpath={.status.readyReplicas}/{.spec.replicas}',
    ],
    { reject: false, timeout: 15_000 },
  );
  const [ready, want] = r.stdout.split('/').map(Number);
  const ok = r.exitCode === 0 && !!want && ready === want;
  return check({
    proof: 'live',
    id,
    title,
    criteria: ['0-13.ac1'],
    status: ok ? 'pass' : 'fail',
    measured: r.stdout || undefined,
    evidence: `kubectl -n services get deployment ${DEMO_SERVICE}`,
    ...(ok
      ? {}
      : {
          reason:
            r.stderr.split('\n')[0] ||
            `ready replicas ${r.stdout}; kubectl apply -f examples/demo-service/k8s/`,
        }),
  });
}
