// Seed task 0-2: Kubernetes cluster (k3d).
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { devEnvironment } from './01-dev-environment.ts';
export const cluster = defineTask({
  id: '0-2',
  name: 'cluster',
  title: 'Kubernetes cluster (k3d)',
  needs: [devEnvironment],
  run: async () => {
    throw new NotImplementedError('Kubernetes cluster (k3d)', 'issue 8');
  },
});
