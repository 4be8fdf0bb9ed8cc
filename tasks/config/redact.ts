// Process-wide secret redaction. The settings loader registers every value of a key marked
// secret; every printer (logs, errors, --json, the report) passes text through redact().
import { redactStrings } from '../engine/redaction.ts';

const secrets = new Set<string>();

/** Values shorter than this are not registered: redacting "1" or "true" would mangle all output. */
const MIN_SECRET_LENGTH = 4;

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret containing another is replaced whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

/** Deep-redacts strings inside a JSON-able value (for --json events and report.json). */
export const redactDeep = <T>(value: T): T => redactStrings(value, redact);
