// Seed task 0-11: Makefile and automation. Needs every earlier task (it integrates them).
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { beforeIntegration } from './all.ts';

export const makefile = defineTask({
  id: '0-11',
  name: 'makefile',
  title: 'Makefile and automation',
  needs: beforeIntegration,
  run: async () => {
    throw new NotImplementedError('Makefile and automation', 'issue 2');
  },
});
