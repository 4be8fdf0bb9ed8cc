// Open-loop rate schedule: message i has an intended send time fixed in advance,
// start + i / rate. The sender never waits for the broker before deciding when the next
// message is due, so a stall shows up as latency from the intended time (no coordinated
// omission), the way the OpenMessaging Benchmark's uniform rate limiter does it.
export class RateSchedule {
  readonly intervalUs: number;
  readonly rate: number;
  readonly startUs: number;
  readonly total: number;

  // Plain fields, no parameter properties: Node's type stripping (`node tasks.ts`) rejects them.
  constructor(rate: number, startUs: number, total: number) {
    this.rate = rate;
    this.startUs = startUs;
    this.total = total;
    if (!(rate > 0)) throw new RangeError(`rate must be > 0, got ${rate}`);
    this.intervalUs = 1e6 / rate;
  }

  /** Intended send time of message i (µs, same clock as nowUs). */
  intendedUs(i: number): number {
    return this.startUs + i * this.intervalUs;
  }

  /** How many messages are due by `nowUs` (index of the first not-yet-due message). */
  dueBy(nowUs: number): number {
    if (nowUs < this.startUs) return 0;
    return Math.min(this.total, Math.floor((nowUs - this.startUs) / this.intervalUs) + 1);
  }

  /** Microseconds from `nowUs` until message i is due (0 when already due). */
  waitUs(i: number, nowUs: number): number {
    return Math.max(0, this.intendedUs(i) - nowUs);
  }
}
