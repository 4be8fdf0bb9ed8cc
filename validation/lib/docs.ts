// Where the developer guide lives: the checks of 0-1, 0-9 and 0-12 read its pages.
import fs from 'node:fs';
import path from 'node:path';

export const GUIDE = 'docs/developer-guide';

/** A repository page's text; throws naming it when it is missing, so a docs check fails saying so. */
export function readPage(root: string, rel: string): string {
  const file = path.join(root, rel);
  if (!fs.existsSync(file)) throw new Error(`${rel} is missing`);
  return fs.readFileSync(file, 'utf8');
}
