// The promtool of the Prometheus the platform runs (v3, built from the Go module proxy by
// dev-setup into the tools cache beside prometheus), never whatever promtool is on PATH: rules
// and their unit tests must be judged by the release that evaluates them.
import path from 'node:path';
import { resolvePaths } from '../../paths.ts';

export const promtoolBin = (cache = resolvePaths().cache) => path.join(cache, 'bin', 'promtool');
export const PROMTOOL_MISSING =
  'promtool is not built in .tools/cache/bin; run: npx tsx tasks.ts dev-setup --target native (builds Prometheus and promtool from the Go module proxy)';
