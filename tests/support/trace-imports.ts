// Loaded with `node --import ./tests/support/trace-imports.ts tasks.ts …`: records every module
// URL the process resolves and, at exit, writes them (one per line) to $TRACE_IMPORTS_OUT. The
// start-up tests use it to prove which code a command loads, without timing anything.
import fs from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.TRACE_IMPORTS_OUT;
const seen = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const r = nextResolve(specifier, context);
    seen.add(r.url);
    return r;
  },
});
if (out) process.on('exit', () => fs.writeFileSync(out, [...seen].join('\n') + '\n'));
