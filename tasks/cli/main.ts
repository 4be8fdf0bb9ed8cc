// Placeholder until the engine issue (#2) lands the real CLI.
export async function main(argv: string[]): Promise<number> {
  console.error(`tasks.ts: the CLI is being built (argv: ${argv.join(' ')})`);
  return 2;
}
