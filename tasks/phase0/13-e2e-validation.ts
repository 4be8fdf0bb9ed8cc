// Seed task 0-13: end-to-end validation with the demo service. Needs every earlier task.
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { beforeIntegration } from './all.ts';

export const e2eValidation = defineTask({
  id: '0-13',
  name: 'e2e-validation',
  title: 'End-to-end validation and demo service',
  needs: beforeIntegration,
  run: async () => {
    throw new NotImplementedError('End-to-end validation', 'issue 7');
  },
});
