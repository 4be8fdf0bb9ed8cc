// Seed task 0-5: Logging (Loki, structured JSON logs).
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { metrics } from './04-metrics.ts';
export const logs = defineTask({
  id: '0-5',
  name: 'logs',
  title: 'Logging (Loki, structured JSON logs)',
  needs: [metrics],
  run: async () => {
    throw new NotImplementedError('Logging (Loki, structured JSON logs)', 'issue 6');
  },
});
