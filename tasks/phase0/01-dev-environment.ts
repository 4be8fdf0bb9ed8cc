// Seed task 0-1: Development environment.
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';

export const devEnvironment = defineTask({
  id: '0-1',
  name: 'dev-environment',
  title: 'Development environment',
  needs: [],
  run: async () => {
    throw new NotImplementedError('Development environment', 'issue 9');
  },
});
