// The two measurement loops: closed loop for throughput (closed-loop.ts), open loop from a
// fixed-rate schedule for latency (open-loop.ts); what they share is in loop.ts.
export { closedLoop } from './closed-loop.ts';
export { openLoop } from './open-loop.ts';
export { decodeMessage, encodeMessage, HEADER_BYTES } from './message.ts';
export type { Progress, RunHooks } from './loop.ts';
