// How the engine keeps secrets out of what it prints and stores: the caller hands it a function
// (the CLI passes the settings' registry); the engine knows no settings. Without one, text passes as is.
export type Redact = (text: string) => string;

export const noRedaction: Redact = (text) => text;

/** Applies `redact` to every string inside a JSON-able value (for --json events). */
export function redactStrings<T>(value: T, redact: Redact): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, redact)])) as T;
  }
  return value;
}
