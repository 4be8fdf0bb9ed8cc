// Regenerates the Mermaid diagram in docs/developer-guide/architecture-overview.md from the real
// graph (`tasks.ts graph --format mermaid`). The docs test fails until this has been run after
// a change to the graph.  Usage: npx tsx scripts/update-architecture-diagram.ts
import { REPO_ROOT } from '../tasks/paths.ts';
import { generatedDiagram, writeDiagram } from '../tasks/phase0/12-docs/docs.ts';

writeDiagram(REPO_ROOT, await generatedDiagram(REPO_ROOT));
console.log('architecture-overview.md: diagram regenerated from tasks.ts graph --format mermaid');
