// Seed task 0-12: documentation and developer guide. Needs every earlier task (it documents them).
// The guide is in docs/developer-guide/; verify checks links, named commands, the generated
// architecture diagram, the quoted errors and the FAQ against the real tool.
import { defineTask } from '../define.ts';
import { beforeIntegration } from '../all.ts';

export const docs = defineTask({
  id: '0-12',
  name: 'docs',
  title: 'Documentation and developer guide',
  needs: beforeIntegration,
  status: async () => true,
  verify: async (ctx) => (await import('./checks.ts')).docsChecks(ctx),
});
