// Seed task 0-3: Event bus (Kafka API).
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { cluster } from './02-cluster.ts';
export const eventBus = defineTask({
  id: '0-3',
  name: 'event-bus',
  title: 'Event bus (Kafka API)',
  needs: [cluster],
  run: async () => {
    throw new NotImplementedError('Event bus (Kafka API)', 'issue 3');
  },
});
