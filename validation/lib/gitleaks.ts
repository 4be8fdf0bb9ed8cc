// gitleaks for the checks that need it (0-1's tool table, 0-9's history scan): built on first use,
// once per verify, since `up` leaves its build to the first commit or verify (tasks/config/gitleaks.ts).
import type { PlatformContext } from '../../tasks/context.ts';
import { buildGitleaks, gitleaksBuilt } from '../../tasks/config/gitleaks.ts';
import { perVerify } from './per-verify.ts';

/** Undefined when gitleaks is there (built now if it was missing), else why it is not. */
export const gitleaksReady = perVerify(async (ctx: PlatformContext): Promise<string | undefined> => {
  if (gitleaksBuilt(ctx.paths.cache)) return undefined;
  const r = await buildGitleaks(ctx.paths.root, ctx.paths.cache, { signal: ctx.signal, note: ctx.note ?? ctx.log });
  if (r.exitCode === 0 && gitleaksBuilt(ctx.paths.cache)) return undefined;
  return `gitleaks could not be built (scripts/install-git-hooks.sh exit ${r.exitCode}: ${r.lines.at(-1) ?? ''}); run make dev-setup`;
});
