// Stop conditions shared by the runners: Ctrl-C (abort signal), the first send error, and a
// watchdog that fails the run when acknowledgements stop while sends are outstanding, so a
// dead broker ends the run in bounded time even if the client library keeps retrying.
import { nowUs } from './clock.ts';

export class RunControl {
  stopped = false;
  interrupted = false;
  error: Error | undefined;
  /** Resolves on the first stop (error, stall or interrupt). */
  readonly whenStopped: Promise<void>;
  private resolveStop!: () => void;
  private timers: NodeJS.Timeout[] = [];
  private onAbort = () => this.interrupt();
  private readonly signal: AbortSignal | undefined;

  // No parameter property: Node's type stripping (the fast `node tasks.ts` path) rejects them.
  constructor(signal?: AbortSignal) {
    this.signal = signal;
    this.whenStopped = new Promise((r) => (this.resolveStop = r));
    if (signal?.aborted) this.interrupt();
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  fail(e: unknown): void {
    if (!this.error && !this.interrupted) this.error = e instanceof Error ? e : new Error(String(e));
    this.stopped = true;
    this.resolveStop();
  }

  interrupt(): void {
    if (!this.error) this.interrupted = true;
    this.stopped = true;
    this.resolveStop();
  }

  /** Fails the run when `waiting()` has been true with no `progressUs()` advance for timeoutMs. */
  watchdog(waiting: () => boolean, progressUs: () => number, timeoutMs: number, what: () => string): void {
    const t = setInterval(
      () => {
        if (this.stopped || !waiting()) return;
        if (nowUs() - progressUs() > timeoutMs * 1000) this.fail(new Error(what()));
      },
      Math.min(500, Math.max(50, timeoutMs / 4)),
    );
    t.unref();
    this.timers.push(t);
  }

  every(ms: number, fn: () => void): void {
    if (ms <= 0) return;
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  /**
   * Waits for `p` (the outstanding sends). After an error it stops waiting at once (a dead
   * broker may never answer); after Ctrl-C it gives the sends in flight `graceMs` to be acked.
   */
  async settle(p: Promise<unknown>, graceMs: number): Promise<void> {
    await Promise.race([
      p,
      this.whenStopped.then(() => (this.error ? undefined : Promise.race([p, delay(graceMs)]))),
    ]);
  }

  dispose(): void {
    for (const t of this.timers) clearInterval(t);
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  /** `partial` fields for the result. */
  partial(): { status: 'complete' | 'partial'; partialReason?: string; error?: string } {
    if (this.error)
      return { status: 'partial', partialReason: this.error.message, error: this.error.message };
    if (this.interrupted) return { status: 'partial', partialReason: 'interrupted (Ctrl-C)' };
    return { status: 'complete' };
  }
}

/** Resolves after ms, or when `wake()` is called, whichever comes first. */
export class Waker {
  private resolve: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      this.resolve = r;
      this.timer = setTimeout(() => this.wake(), Math.max(0, ms));
    });
  }

  wake(): void {
    clearTimeout(this.timer);
    const r = this.resolve;
    this.resolve = undefined;
    r?.();
  }
}

/** Resolves after ms (for bounded grace periods). */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
