// kafkajs 2.2.4 (unmaintained) schedules its request-queue check with a negative delay when it is
// not throttled; Node >= 23 then prints a TimeoutNegativeWarning (the delay is clamped to 1 ms, so
// nothing is wrong). Imported for its effect by every module that makes a kafkajs client, so the
// warning is dropped in whichever process loads one (verify loads its checks lazily: a process can
// reach kafkajs without tasks/topics.ts). Only exactly that warning is dropped.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type === 'TimeoutNegativeWarning') return;
  (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
