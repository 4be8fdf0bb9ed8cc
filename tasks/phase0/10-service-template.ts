// Seed task 0-10: Service template and generator.
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { traces } from './06-traces.ts';
import { secrets } from './09-secrets.ts';
export const serviceTemplate = defineTask({
  id: '0-10',
  name: 'service-template',
  title: 'Service template and generator',
  needs: [traces, secrets],
  run: async () => {
    throw new NotImplementedError('Service template and generator', 'issue 7');
  },
});
