// The GitHub workflows as parsed YAML: the 0-8 checks read their triggers, jobs and steps.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

type Job = { steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[]; if?: string };
export type Workflow = { on: Record<string, unknown>; jobs: Record<string, Job> };

/** `.github/workflows/<name>` parsed, or undefined when it is missing. */
export function workflow(root: string, name: string): Workflow | undefined {
  const file = path.join(root, '.github', 'workflows', name);
  return fs.existsSync(file) ? (parse(fs.readFileSync(file, 'utf8')) as Workflow) : undefined;
}
