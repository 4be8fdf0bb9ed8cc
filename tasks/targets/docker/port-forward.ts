// Host access to in-cluster services on the k3d target: `kubectl port-forward` run as a
// detached, supervised process (pid file and log under .platform/, like the native processes),
// ready when its local ports accept connections. The k3d load balancer only carries 80, 443 and
// 19092 (Kafka), so Prometheus, Grafana, Loki, Tempo and the demo service are reached this way.
import type { PlatformContext } from '../../context.ts';
import type { ProcessRow } from '../target.ts';
import { isListening } from '../../ports.ts';
import { readPid, start, stop } from '../native/supervisor.ts';
import { formatCmd, type Cmd } from './exec.ts';

export interface PortForward {
  /** Supervisor name, e.g. `pf-prometheus`. */
  name: string;
  namespace: string;
  /** `svc/<name>`. */
  resource: string;
  /** local → remote port pairs. */
  ports: readonly (readonly [local: number, remote: number])[];
}

export function portForwardCmd(context: string, pf: PortForward): Cmd {
  return [
    'kubectl',
    '--context',
    context,
    '--namespace',
    pf.namespace,
    'port-forward',
    '--address',
    '127.0.0.1',
    pf.resource,
    ...pf.ports.map(([l, r]) => `${l}:${r}`),
  ];
}

const allListening = async (pf: PortForward) =>
  (await Promise.all(pf.ports.map(([l]) => isListening(l)))).every(Boolean);

export async function startPortForward(
  ctx: PlatformContext,
  context: string,
  pf: PortForward,
): Promise<void> {
  const [command, ...args] = portForwardCmd(context, pf);
  ctx.log(`$ ${formatCmd(portForwardCmd(context, pf))}  (detached, supervised as ${pf.name})`);
  await start(
    {
      name: pf.name,
      command,
      args,
      port: pf.ports[0]![0],
      portHint: `set the port variable for ${pf.resource} in .env`,
      ready: () => allListening(pf),
      readyTimeoutMs: 30_000,
      stopGraceMs: 2_000,
    },
    ctx.paths,
    ctx.signal,
  );
}

export async function portForwardUp(ctx: PlatformContext, pf: PortForward): Promise<boolean> {
  return (await readPid(ctx.paths, pf.name)) !== undefined && (await allListening(pf));
}

/** A `status` row: pid, local port, uptime of the forward. */
export async function portForwardRow(ctx: PlatformContext, pf: PortForward): Promise<ProcessRow> {
  const rec = await readPid(ctx.paths, pf.name);
  const up = rec !== undefined && (await allListening(pf));
  return {
    name: pf.name,
    state: up ? 'running' : rec ? 'unhealthy' : 'stopped',
    port: pf.ports[0]![0],
    ...(rec ? { pid: rec.pid, uptimeMs: Date.now() - Date.parse(rec.startedAt) } : {}),
    detail: `${pf.namespace}/${pf.resource.replace('svc/', '')} ${pf.ports.map(([l, r]) => `${l}→${r}`).join(' ')}`,
  };
}

export async function stopPortForward(ctx: PlatformContext, pf: PortForward): Promise<void> {
  await stop(pf.name, ctx.paths, { graceMs: 2_000 });
}
