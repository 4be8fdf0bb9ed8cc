// Seed task 0-9: Secrets management.
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { devEnvironment } from './01-dev-environment.ts';
export const secrets = defineTask({
  id: '0-9',
  name: 'secrets',
  title: 'Secrets management',
  needs: [devEnvironment],
  run: async () => {
    throw new NotImplementedError('Secrets management', 'issue 9');
  },
});
