// dev-setup's browser step: Debian's chromium, which the console's browser tests, bench/console.ts
// and its verify checks drive through playwright-core (no other browser download can be reached
// here). Root installs it with apt; anyone else gets one line saying what to run, and setup goes
// on: the platform itself runs without a browser.
import { execa } from '../lazy-execa.ts';
import type { PlatformContext } from '../context.ts';
import { CHROMIUM_INSTALL, chromiumPath } from '../../validation/lib/browser.ts';

export async function setupBrowser(
  ctx: Pick<PlatformContext, 'log' | 'signal'>,
  opts: { env?: NodeJS.ProcessEnv; uid?: number } = {},
): Promise<[boolean, string]> {
  const env = opts.env ?? process.env;
  const found = chromiumPath(env);
  if (found) return [false, `chromium at ${found}`];
  if ((opts.uid ?? process.getuid?.()) !== 0) {
    const line = `chromium missing: the console's browser tests and checks need it; install with: sudo ${CHROMIUM_INSTALL}`;
    ctx.log(line);
    return [false, line];
  }
  const apt = (args: string[]) =>
    execa('apt-get', args, {
      env: { DEBIAN_FRONTEND: 'noninteractive' },
      cancelSignal: ctx.signal,
      timeout: 900_000,
      reject: false,
      all: true,
    });
  ctx.log(`installing chromium from Debian: ${CHROMIUM_INSTALL}`);
  let r = await apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  // A fresh machine has no package lists yet: fetch them once and try again.
  if (r.exitCode !== 0) {
    await apt(['update', '-qq']);
    r = await apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  }
  const at = chromiumPath(env);
  if (r.exitCode !== 0 || !at)
    throw new Error(
      `${CHROMIUM_INSTALL} failed (exit ${r.exitCode}): ${(r.all ?? '').trim().split('\n').pop()}`,
    );
  return [true, `installed chromium at ${at}`];
}
