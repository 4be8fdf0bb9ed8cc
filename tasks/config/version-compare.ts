// Reading and comparing the versions tools print: one rule for doctor, dev-setup and the Go check.
import { stripVTControlCharacters } from 'node:util';

/** First dotted number in a version banner: `openjdk version "17.0.15"` → `17.0.15`. */
export function parseVersion(text: string): string | undefined {
  return /(\d+(?:\.\d+)+|\d+)/.exec(stripVTControlCharacters(text))?.[1];
}

export function atLeast(found: string, min: string): boolean {
  // `v5.9.0` and `5.9.0` are the same version.
  const a = found.replace(/^v/, '').split('.').map(Number);
  const b = min.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
