// Seed task 0-12: documentation and developer guide. Needs every earlier task (it documents them).
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { beforeIntegration } from './all.ts';

export const docs = defineTask({
  id: '0-12',
  name: 'docs',
  title: 'Documentation and developer guide',
  needs: beforeIntegration,
  run: async () => {
    throw new NotImplementedError('Documentation and developer guide', 'issue 9');
  },
});
