// A check only the k3d target can give (seed 0-13.ac1): the demo service deployed to Kubernetes.
import { execa } from 'execa';
import { DEMO_K8S_SPEC } from '../../../validation/lib/checks.ts';
import { defineCheck } from '../../../validation/lib/define-check.ts';
import { DEMO_SERVICE } from '../target.ts';

/** 0-13.ac1 on k3d: the demo runs from examples/demo-service/k8s as a Deployment with every replica ready. */
export const demoDeployedCheck = defineCheck(DEMO_K8S_SPEC, async () => {
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
  return {
    measured: r.stdout || undefined,
    evidence: `kubectl -n services get deployment ${DEMO_SERVICE}`,
    problems: ok
      ? []
      : [
          r.stderr.split('\n')[0] ||
            `ready replicas ${r.stdout}; kubectl apply -f examples/demo-service/k8s/`,
        ],
  };
});
