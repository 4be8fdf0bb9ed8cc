// Are this clone's git hooks on? Asked by 0-1's status on every `up`, so node:child_process (one
// short `git config`), not the checks module with everything verify needs.
import { execFile } from 'node:child_process';

export function gitHooksInstalled(root: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('git', ['config', '--get', 'core.hooksPath'], { cwd: root, timeout: 10_000 }, (_err, stdout) =>
      resolve(String(stdout).trim() === '.githooks'),
    );
  });
}
