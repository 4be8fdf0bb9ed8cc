// Every port setting of the platform on a distinct port free right now, so a test's processes
// never meet whatever else runs on this machine (another checkout's stack holds the defaults, a
// worktree holds the defaults + 100*K). A test overrides the ones it points at its own processes.
import { SETTINGS } from '../../tasks/config/settings.ts';
import { freePort } from '../../tasks/ports.ts';

export const PORT_SETTING_KEYS = Object.keys(SETTINGS).filter((k) => k.endsWith('_PORT'));

/** n free ports, all distinct (freePort() hands a port out once per process). */
export async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < n) ports.push(await freePort());
  return ports;
}

/** `{ KAFKA_PORT: '41234', PROMETHEUS_PORT: '40111', … }`: every *_PORT setting on its own free port. */
export async function freePortEnv(): Promise<Record<string, string>> {
  const ports = await freePorts(PORT_SETTING_KEYS.length);
  return Object.fromEntries(PORT_SETTING_KEYS.map((k, i) => [k, String(ports[i])]));
}
