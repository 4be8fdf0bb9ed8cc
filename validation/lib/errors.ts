// One way to turn a thrown value into a check's reason: the message, plus its cause when a
// library wraps one (fetch's "fetch failed" says nothing without ECONNREFUSED behind it).
export const errText = (e: unknown): string =>
  e instanceof Error
    ? e.cause instanceof Error
      ? `${e.message}: ${e.cause.message}`
      : e.message
    : String(e);

/** The first line of a reason, at most `max` characters (client libraries append stack-like detail). */
export const firstLine = (s: string, max = 300): string => s.split('\n')[0]!.slice(0, max);
