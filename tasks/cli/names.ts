// The names of tasks.ts's subcommands. A leaf (it imports nothing) so that 0-11's Makefile check
// and 0-12's docs check can ask "does this command exist?" without loading the commands and,
// through them, the phase-0 graph they belong to. A unit test keeps it equal to commands/index.ts.
export const COMMAND_NAMES = [
  'up',
  'down',
  'verify',
  'status',
  'logs',
  'restart',
  'plan',
  'graph',
  'list',
  'clean',
  'topics-create',
  'doctor',
  'dev-setup',
  'secrets-to-k8s',
  'bench',
  'new-service',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];
