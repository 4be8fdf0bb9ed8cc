// The k3d config through k3d's own loader (schema, Simple → Cluster transform, validation), and
// what the loaded cluster must have (seed 0-2): the ingress ports on the load balancer, Traefik
// off, the pinned k3s image on every server and agent.
import path from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { lastLines, timed, tool, type Part, type RenderInputs } from './parts.ts';

interface LoadedNode {
  role: string;
  image: string;
  args?: string[];
  ports?: string[];
}

export async function k3dConfigPart(inputs: RenderInputs, skip: boolean): Promise<Part> {
  const v = inputs.versions;
  const [k3d, k3dMs] = await timed(async () => {
    if (skip) return { problems: [], nodes: 0 };
    const loader = await tool(inputs, 'k3d-loader');
    const r = await execa(loader, [path.resolve(REPO_ROOT, inputs.k3dConfig)], {
      reject: false,
      all: false,
      cwd: REPO_ROOT,
    });
    if (r.exitCode !== 0) return { problems: [`${inputs.k3dConfig}: ${loaderError(r.stderr)}`], nodes: 0 };
    const cfg = JSON.parse(r.stdout) as { nodes: LoadedNode[] };
    return { problems: clusterProblems(inputs, cfg.nodes), nodes: cfg.nodes.length };
  });
  return {
    id: 'k3d-config',
    title:
      "The k3d config loads through k3d's own loader: pinned k3s, ports 8080:80 and 8443:443, Traefik off",
    ok: k3d.problems.length === 0,
    evidence: `k3d ${v.tools.k3d.version} config loader (schema, Simple → Cluster transform, validation) on ${inputs.k3dConfig}: ${k3d.nodes} nodes`,
    problems: k3d.problems,
    ms: k3dMs,
  };
}

/** logrus' fatal line (level=fatal msg="…"), Go-unquoted, the file said once. */
function loaderError(stderr: string): string {
  const msg =
    /msg="((?:[^"\\]|\\.)*)"/.exec(stderr.split('\n').filter(Boolean).pop() ?? '')?.[1] ??
    lastLines(stderr, 1);
  return msg
    .replaceAll('\\n', ' ')
    .replaceAll('\\"', '"')
    .replace(/ for config file \S+:/, ':')
    .trim();
}

function clusterProblems(inputs: RenderInputs, nodes: LoadedNode[]): string[] {
  const v = inputs.versions;
  const lb = nodes.find((n) => n.role === 'loadbalancer');
  const server = nodes.find((n) => n.role === 'server');
  const facts = [
    ...['8080->80/tcp', '8443->443/tcp']
      .filter((p) => !lb?.ports?.some((x) => x.endsWith(`:${p}`)))
      .map((p) => `the load balancer does not publish ${p.replace('->', ':').replace('/tcp', '')}`),
    ...(server?.args?.includes('--disable=traefik')
      ? []
      : ['the server does not run with --disable=traefik']),
  ].map((f) => `${inputs.k3dConfig}: ${f}`);
  return [
    ...facts,
    ...nodes
      .filter((n) => n.role === 'server' || n.role === 'agent')
      .filter((n) => n.image !== v.kubernetes.k3sImage)
      .map(
        (n) =>
          `${inputs.k3dConfig}: ${n.role} node image ${n.image || '(k3d default)'} is not the pinned ${v.kubernetes.k3sImage} (manifests/versions.yaml kubernetes.k3sImage)`,
      ),
  ];
}
