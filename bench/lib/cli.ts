// What every bench script does at its edges: run when it is the script node started, exit with
// main's code (a usage error 2, any other error 1, each as one line), and write its JSON result.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../../tasks/engine/task.ts';

/** `--help` or `-h` among the arguments: the usage on stdout, exit 0, before any flag is judged. */
export function exitOnHelp(argv: readonly string[], usage: string): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  console.log(usage);
  process.exit(0);
}

/** Runs `main` with the arguments when `moduleUrl` (import.meta.url) is the script node was started with. */
export function runIfMain(moduleUrl: string, main: (argv: string[]) => Promise<number>): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}

/** Writes a result as indented JSON, creating its folder, and prints where. */
export async function writeJson(file: string, data: unknown): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.writeFile(file, JSON.stringify(data, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

/** String flags parsed strictly; a wrong one is a UsageError naming the script, one line. */
export function stringFlags(
  script: string,
  argv: string[],
  names: readonly string[],
  usage?: string,
): Record<string, string | undefined> {
  if (usage) exitOnHelp(argv, usage);
  try {
    return parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      strict: true,
    }).values as Record<string, string | undefined>;
  } catch (e) {
    throw new UsageError(`${script}: ${(e as Error).message.split('\n')[0]}`);
  }
}
