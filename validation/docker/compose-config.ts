// The Compose files through compose-go (the docker compose loader) with the env files and the
// environment `up` uses: each loads, each stateful service keeps its data in a named volume
// (seed 0-7), and the programs its health checks and entrypoints run are collected for the
// probes part.
import { execa } from 'execa';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { healthcheckPrograms, type ProbeUse } from './probes.ts';
import { timed, tool, type ComposeInvocation, type Part, type RenderInputs } from './parts.ts';

interface LoadedProject {
  services: Record<
    string,
    {
      image: string;
      healthcheck?: string[];
      healthcheckDisabled?: boolean;
      entrypoint?: string[];
      command?: string[];
      mounts?: { type: string; source?: string }[];
    }
  >;
  volumes: string[];
}

const definedOnly = (e: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(e).filter((x): x is [string, string] => x[1] !== undefined));

/** The Compose part, and the program uses it found (for the probes part, even when skipped). */
export async function composeConfigPart(
  inputs: RenderInputs,
  skip: boolean,
): Promise<{ part: Part; uses: ProbeUse[] }> {
  const v = inputs.versions;
  const uses: ProbeUse[] = [];
  const [compose, composeMs] = await timed(async () => {
    const problems: string[] = [];
    if (skip) return problems;
    const loader = await tool(inputs, 'compose-loader');
    for (const c of inputs.compose) {
      const args = [...c.envFiles.flatMap((e) => ['--env-file', e]), '--file', c.file];
      const r = await execa(loader, args, {
        reject: false,
        cwd: REPO_ROOT,
        // As docker compose gets it from run(): this process's environment plus the settings.
        env: definedOnly(inputs.composeEnv),
        extendEnv: inputs.composeExtendEnv ?? true,
      });
      if (r.exitCode !== 0) {
        problems.push(composeError(c.file, r.stderr));
        continue;
      }
      const project = JSON.parse(r.stdout) as LoadedProject;
      problems.push(...volumeProblems(inputs, c, project));
      uses.push(...programUses(c, project));
    }
    return problems;
  });
  const part: Part = {
    id: 'compose-config',
    title:
      'The Compose files load through the Compose loader with the environment up/status/down use; data in named volumes',
    ok: compose.length === 0,
    evidence: `compose-go ${v.tools['compose-go'].version} (the docker compose loader): ${inputs.compose.map((c) => `${[...c.envFiles.map((e) => `--env-file ${e}`), `-f ${c.file}`].join(' ')}`).join('; ')}`,
    problems: compose,
    ms: composeMs,
  };
  return { part, uses };
}

/** Data survives `down` (seed 0-7): each stateful service keeps its data in a named volume. */
function volumeProblems(inputs: RenderInputs, c: ComposeInvocation, project: LoadedProject): string[] {
  const problems: string[] = [];
  for (const name of inputs.composeDataServices ?? []) {
    const s = project.services[name];
    if (s && !s.mounts?.some((m) => m.type === 'volume' && m.source && project.volumes.includes(m.source))) {
      problems.push(`${c.file}: service ${name} keeps no data in a named volume`);
    }
  }
  return problems;
}

function programUses(c: ComposeInvocation, project: LoadedProject): ProbeUse[] {
  const uses: ProbeUse[] = [];
  for (const [name, s] of Object.entries(project.services)) {
    if (s.healthcheck && !s.healthcheckDisabled) {
      uses.push({
        where: `${c.file}: service ${name} health check`,
        image: s.image,
        argv: s.healthcheck,
        programs: healthcheckPrograms(s.healthcheck),
      });
    }
    if (s.entrypoint?.length)
      uses.push({ where: `${c.file}: service ${name} entrypoint`, image: s.image, argv: s.entrypoint });
    // A `command:` that names a program by path or a shell runs it; other commands are
    // arguments to the image's own entrypoint (alloy's `run …`, Prometheus's flags).
    else if (s.command?.length && /^\/|^(ba|a|da)?sh$/.test(s.command[0]!))
      uses.push({ where: `${c.file}: service ${name} command`, image: s.image, argv: s.command });
  }
  return uses;
}

/** compose-go's error as one line per missing required variable (named), else its first message. */
export function composeError(file: string, stderr: string): string {
  const missing = [
    ...stderr.matchAll(
      /required variable (\w+) is missing a value(?:: ([^]*?))?(?= error while interpolating|$)/g,
    ),
  ];
  if (missing.length) {
    const names = [...new Set(missing.map((m) => m[1]!))];
    const hint = missing[0]![2]?.trim();
    return `${file}: required variable ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not set${hint ? ` (${hint})` : ''}`;
  }
  return `${file}: ${stderr.trim().split('\n')[0]}`;
}
