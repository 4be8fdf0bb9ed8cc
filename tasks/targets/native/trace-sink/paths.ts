// Where the development trace sink keeps spans: <paths.data>/traces/spans-YYYY-MM-DD.jsonl.
import path from 'node:path';
import type { Paths } from '../../../context.ts';

export const tracesDir = (paths: Paths) => path.join(paths.data, 'traces');
