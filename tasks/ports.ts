// Port probes for native processes: is a port free, and who holds it (Linux /proc).
import net from 'node:net';
import fs from 'node:fs/promises';

/** True when something accepts TCP connections on host:port. */
export function isListening(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when we could bind host:port right now. */
export function canBind(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * A port free on 127.0.0.1 right now, for a process started beside the stack (tests, benches,
 * scratch servers). Taken below the kernel's ephemeral range: a port the kernel handed out for
 * `listen(0)` is also one it hands out as the local end of outgoing connections, so between our
 * pick and the server's bind a test's client could take it (seen: Jaeger's "bind: address already
 * in use" on a picked port while 4 test files ran side by side). The platform's own settings sit
 * under 20000, so the pool starts there. A port is handed out once per process: a caller picking
 * several before starting anything (a stack's settings) never gets one twice (seen: VictoriaLogs
 * and Jaeger given the same port, one of them then refused as "already in use").
 */
export async function freePort(): Promise<number> {
  const [low, high] = await ephemeralRange();
  const [from, to] = low - 1 >= POOL_START + 1000 ? [POOL_START, low - 1] : [high + 1, 65535];
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (handedOut.has(port) || !(await canBind(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port on 127.0.0.1 in ${from}-${to} after 100 tries`);
}

const handedOut = new Set<number>();

const POOL_START = 20_000;

async function ephemeralRange(): Promise<[number, number]> {
  const text = await fs.readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
  const [low, high] = text.trim().split(/\s+/).map(Number);
  return low && high ? [low, high] : [32768, 60999];
}

/** The pid and command line of the process listening on a TCP port, where /proc lets us see it. */
export async function portOwner(port: number): Promise<{ pid: number; command: string } | undefined> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      // state 0A = LISTEN
      if (!local || cols[3] !== '0A') continue;
      if (parseInt(local.split(':')[1] ?? '', 16) === port && cols[9]) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of await fs.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await fs.readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await fs.readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m?.[1] && inodes.has(m[1])) {
        const cmd = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
        return { pid: Number(entry), command: cmd.split('\0').filter(Boolean).slice(0, 3).join(' ') };
      }
    }
  }
  return undefined;
}
