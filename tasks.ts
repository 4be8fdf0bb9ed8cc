// CLI entry: parse argv, pick the target, call the engine. No logic lives here.
// Exits explicitly: a socket or timer a library leaves open must not keep a finished run alive.
import { main } from './tasks/cli/main.ts';

process.exit(await main(process.argv.slice(2)));
