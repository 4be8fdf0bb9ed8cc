// One clock for every timestamp in the bench: CLOCK_MONOTONIC in integer microseconds. It is
// system-wide, so a timestamp written into a message by the producer is comparable with the
// consumer's clock in the same process, a worker thread or another process on this machine.
export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
