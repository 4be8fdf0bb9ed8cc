// Seed task 0-6: Tracing (Tempo, OTLP).
import { NotImplementedError } from '../engine/task.ts';
import { defineTask } from './define.ts';
import { logs } from './05-logs.ts';
export const traces = defineTask({
  id: '0-6',
  name: 'traces',
  title: 'Tracing (Tempo, OTLP)',
  needs: [logs],
  run: async () => {
    throw new NotImplementedError('Tracing (Tempo, OTLP)', 'issue 6');
  },
});
