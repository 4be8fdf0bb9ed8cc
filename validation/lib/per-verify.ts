// Work that the checks of one verify share (a demo request, a round trip, a generated service):
// made by the first check that asks, the same result for the others; the next verify (a new
// context) makes it again. Keyed weakly, so a finished verify's results go with its context.
import type { PlatformContext } from '../../tasks/context.ts';

export interface PerVerify<A extends unknown[], T> {
  (ctx: PlatformContext, ...args: A): T;
  /** What this verify's first call made, without making it. */
  peek(ctx: PlatformContext): T | undefined;
}

/** `make` runs once per context; later calls in the same verify get its result (their own arguments are not used). */
export function perVerify<A extends unknown[], T>(
  make: (ctx: PlatformContext, ...args: A) => T,
): PerVerify<A, T> {
  const made = new WeakMap<PlatformContext, { value: T }>();
  const of = (ctx: PlatformContext, ...args: A): T => {
    let m = made.get(ctx);
    if (!m) made.set(ctx, (m = { value: make(ctx, ...args) }));
    return m.value;
  };
  return Object.assign(of, { peek: (ctx: PlatformContext) => made.get(ctx)?.value });
}
