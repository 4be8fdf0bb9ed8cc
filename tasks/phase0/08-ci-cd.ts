// Seed task 0-8: CI/CD pipeline.
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { devEnvironment } from './01-dev-environment.ts';
export const ciCd = defineTask({
  id: '0-8',
  name: 'ci-cd',
  title: 'CI/CD pipeline',
  needs: [devEnvironment],
  run: async () => {
    throw new NotImplementedError('CI/CD pipeline', 'issue 9');
  },
});
