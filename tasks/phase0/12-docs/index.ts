// Seed task 0-12: documentation and developer guide. Needs every earlier task (it documents them).
// The guide is in docs/developer-guide/; verify checks links, named commands, the generated
// architecture diagram, the quoted errors and the FAQ against the real tool, and the guides of
// 0-2 (cluster management) and 0-7 (Compose vs Kubernetes), which hold on every target.
import { runChecks } from '../../../validation/lib/define-check.ts';
import { BEFORE_INTEGRATION, defineTask } from '../define.ts';

export const docs = defineTask({
  id: '0-12',
  name: 'docs',
  title: 'Documentation and developer guide',
  needs: BEFORE_INTEGRATION,
  status: async () => true,
  verify: async (ctx) => runChecks(ctx, (await import('./checks.ts')).DOCS_CHECKS),
});
