// Seed task 0-4: Metrics: Prometheus and Grafana.
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { cluster } from './02-cluster.ts';
export const metrics = defineTask({
  id: '0-4',
  name: 'metrics',
  title: 'Metrics: Prometheus and Grafana',
  needs: [cluster],
  run: async () => {
    throw new NotImplementedError('Metrics: Prometheus and Grafana', 'issue 5');
  },
});
