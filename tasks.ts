// CLI entry: parse argv, pick the target, call the engine. No logic lives here.
import { main } from './tasks/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
