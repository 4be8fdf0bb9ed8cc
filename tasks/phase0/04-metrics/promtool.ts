// The promtool of the Prometheus the platform runs (v3, built from the Go module proxy by
// dev-setup into the tools cache beside prometheus), never whatever promtool is on PATH: rules
// and their unit tests must be judged by the release that evaluates them.
import fs from 'node:fs';
import path from 'node:path';
import type { Paths } from '../../context.ts';
import { resolvePaths } from '../../paths.ts';

export const promtoolBin = (cache = resolvePaths().cache) => path.join(cache, 'bin', 'promtool');
export const PROMTOOL_MISSING =
  'promtool is not built in .tools/cache/bin; run: npx tsx tasks.ts dev-setup --target native (builds Prometheus and promtool from the Go module proxy)';

/**
 * promtool's path, built from the Go module proxy first when the tools cache lacks it: `up` does
 * not build it (dev-setup does), so the first verify after a cold `up`, or a clone set up before
 * dev-setup built it, pays the build here. A failed build throws with PROMTOOL_MISSING's advice.
 */
export async function ensurePromtool(
  paths: Paths,
  opts: { signal?: AbortSignal; log: (line: string) => void },
): Promise<string> {
  const bin = promtoolBin(paths.cache);
  if (fs.existsSync(bin)) return bin;
  const { installBackends } = await import('../../targets/native/go-backends.ts');
  try {
    await installBackends(paths, { ...opts, only: ['promtool'] });
  } catch (e) {
    // errText (validation/lib/errors.ts) puts the cause after the advice.
    throw new Error(`${PROMTOOL_MISSING}; building it failed`, { cause: e });
  }
  return bin;
}
