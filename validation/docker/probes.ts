// Health checks that can run in their image: every program a Compose health check, an
// overridden entrypoint/command or a Kubernetes exec probe runs inside a container must be one
// the image contains (manifests/versions.yaml records them per image, from its Dockerfile).
// A distroless image has none, so its readiness is probed from outside.
import path from 'node:path';
import type { Image } from '../../tasks/config/versions.ts';

/** Shell words that are not programs: builtins and keywords of sh/bash. */
const SHELL_BUILTINS = new Set([
  ':',
  '.',
  '[',
  'alias',
  'break',
  'case',
  'cd',
  'command',
  'continue',
  'do',
  'done',
  'echo',
  'elif',
  'else',
  'esac',
  'eval',
  'exec',
  'exit',
  'export',
  'false',
  'fi',
  'for',
  'function',
  'if',
  'in',
  'local',
  'printf',
  'pwd',
  'read',
  'return',
  'set',
  'shift',
  'source',
  'test',
  'then',
  'trap',
  'true',
  'type',
  'ulimit',
  'umask',
  'unset',
  'until',
  'wait',
  'while',
  '{',
  '}',
  '!',
]);
/** Words after which the next word is again a command. */
const PREFIX_WORDS = new Set([
  '!',
  '{',
  'do',
  'elif',
  'else',
  'exec',
  'command',
  'if',
  'then',
  'until',
  'while',
  'time',
]);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);

/** Words and control operators of a shell script, quotes respected (enough for health checks). */
export function shellTokens(script: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote: string | undefined;
  const flush = () => {
    if (word) out.push(word);
    word = '';
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (c === '\\' && i + 1 < script.length) {
      word += script[++i];
      continue;
    }
    if (/\s/.test(c)) {
      flush();
      if (c === '\n') out.push(';');
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      flush();
      out.push(two);
      i++;
      continue;
    }
    // `>&3`, `<&3`, `2>&1` are redirections, not the background operator.
    if (c === '&' && !/[<>]$/.test(word)) {
      flush();
      out.push('&');
      continue;
    }
    if (c === '|' || c === ';' || c === '(' || c === ')') {
      flush();
      out.push(c);
      continue;
    }
    word += c;
  }
  flush();
  return out;
}

/** Programs a shell script starts: the command word of each simple command. */
export function scriptPrograms(script: string): string[] {
  const progs: string[] = [];
  let expectCommand = true;
  for (const t of shellTokens(script)) {
    if (['&&', '||', '|', ';', '&', '(', ')'].includes(t)) {
      expectCommand = true;
      continue;
    }
    if (!expectCommand) continue;
    // Assignments (A=b) and redirections (>x, 2>&1, 3<>/dev/tcp/…) come before the command word.
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(t) || /^\d*[<>]/.test(t)) continue;
    if (SHELL_BUILTINS.has(t)) {
      // Keywords and `exec`/`command` are followed by another command word; other builtins take arguments.
      expectCommand = PREFIX_WORDS.has(t);
      continue;
    }
    progs.push(t);
    expectCommand = false;
  }
  return progs;
}

/** Programs an argv runs in the container: the program, and a shell's `-c` script. */
export function argvPrograms(argv: string[]): string[] {
  const [prog, ...rest] = argv;
  if (!prog) return [];
  const c = rest.indexOf('-c');
  if (SHELLS.has(path.basename(prog)) && c !== -1 && rest[c + 1] !== undefined) {
    return [prog, ...scriptPrograms(rest[c + 1]!)];
  }
  return [prog];
}

/** Programs a Compose health check test runs (`CMD …`, `CMD-SHELL script`, `NONE`). */
export function healthcheckPrograms(test: string[]): string[] {
  const [kind, ...rest] = test;
  if (kind === 'NONE' || kind === undefined) return [];
  if (kind === 'CMD-SHELL') return ['sh', ...scriptPrograms(rest.join(' '))];
  if (kind === 'CMD') return argvPrograms(rest);
  // A bare string test is run by the shell.
  return ['sh', ...scriptPrograms(test.join(' '))];
}

/** True when the image records `prog` (by path, or by name for a program on its PATH). */
export function imageHas(image: Pick<Image, 'probes'>, prog: string): boolean {
  return image.probes.includes(prog) || image.probes.includes(path.basename(prog));
}

export interface ProbeUse {
  /** e.g. `compose service tempo health check` or `k8s Job infra/redpanda-create-topics container rpk command`. */
  where: string;
  image: string;
  argv: string[];
  /** Pre-split programs (for Compose health checks, whose test has its own syntax). */
  programs?: string[];
}

/** One line per program a use runs that its image does not contain, or whose image is not pinned. */
export function probeProblems(uses: ProbeUse[], images: Record<string, Image>): string[] {
  const byImage = new Map(Object.values(images).map((i) => [i.image, i]));
  const out: string[] = [];
  for (const u of uses) {
    const img = byImage.get(u.image);
    if (!img) {
      out.push(
        `${u.where}: image ${u.image} is not in manifests/versions.yaml, so nothing says which programs it contains; add it with its probes and source`,
      );
      continue;
    }
    for (const p of u.programs ?? argvPrograms(u.argv)) {
      if (imageHas(img, p)) continue;
      const has = img.probes.length
        ? img.probes.join(', ')
        : 'nothing: it is distroless, probe it from outside';
      out.push(
        `${u.where} runs ${p}, which ${u.image} does not contain (it has ${has}; source: ${img.source.split(';')[0]})`,
      );
    }
  }
  return out;
}
