// CLI entry: parse argv, pick the target, call the engine. No logic lives here.
// Runs as `node tasks.ts …` (Node strips the types itself: nothing is transpiled ahead or cached
// by path, so an edited source is what the next run executes) and as `npx tsx tasks.ts …`.
// V8's compile cache is keyed by each file's content hash, so it only ever skips re-parsing an
// unchanged file. Commands are imported when chosen (tasks/cli/commands/index.ts), not here.
// Exits explicitly: a socket or timer a library leaves open must not keep a finished run alive.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('./tasks/cli/main.ts');
process.exit(await main(process.argv.slice(2)));
