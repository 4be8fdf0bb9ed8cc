// Seed task 0-7: Docker Compose stack.
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';

export const compose = defineTask({
  id: '0-7',
  name: 'compose',
  title: 'Docker Compose stack',
  needs: [],
  run: async () => {
    throw new NotImplementedError('Docker Compose stack', 'issue 8');
  },
});
