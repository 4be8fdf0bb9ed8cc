// A check that a document the seed asks for exists in the repository (both Docker paths have some).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { check, type Check } from '../../engine/task.ts';
import { REPO_ROOT } from '../../paths.ts';

export const docCheck = (id: string, criteria: string, file: string, title: string): Check =>
  check({
    proof: 'static',
    id,
    criteria: [criteria],
    title,
    status: existsSync(path.join(REPO_ROOT, file)) ? 'pass' : 'fail',
    evidence: file,
    ...(existsSync(path.join(REPO_ROOT, file)) ? {} : { reason: `${file} is missing` }),
  });
