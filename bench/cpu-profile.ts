// Where a Node process spends its CPU: reads a V8 .cpuprofile (written by `node --cpu-prof`) and
// prints the top-N self-time table by function and by owner (the npm package or the service's
// own file, with native and node-core frames charged to the caller that entered them; GC), so a
// profile can be committed as a readable artifact.
//   node bench/cpu-profile.ts PROFILE.cpuprofile [--top 25] [--json]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { exitOnHelp } from './lib/cli.ts';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Row {
  name: string;
  /** Self time, ms. */
  ms: number;
  /** Share of the busy (non-idle) time, %. */
  pct: number;
}

export interface ProfileSummary {
  /** Wall time the profile covers, ms. */
  wallMs: number;
  /** Sampled time not idle (program, GC, natives), ms. */
  busyMs: number;
  byOwner: Row[];
  byFunction: Row[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Who owns a frame: the npm package, `node:internal`, a project file, or a V8 pseudo-frame. */
export function ownerOf(cf: CallFrame): string {
  if (SPECIAL.has(cf.functionName)) return cf.functionName;
  const url = cf.url;
  if (!url) return '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return 'node (core)';
  return path.basename(url.replace(/^file:\/\//, ''));
}

const frameName = (cf: CallFrame): string =>
  SPECIAL.has(cf.functionName)
    ? cf.functionName
    : `${cf.functionName || '(anonymous)'} ${ownerOf(cf)}:${cf.lineNumber + 1}`;

export function summarize(p: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // A write(2) shows as a native frame under node's stream code: charge it to the package that
  // called it (fastify's reply, the Kafka client's socket, pino's destination).
  const payer = (id: number): string => {
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const o = ownerOf(byId.get(x)!.callFrame);
      if (o !== '(native)' && o !== 'node (core)' && o !== '(root)') return o;
    }
    return ownerOf(byId.get(id)!.callFrame);
  };
  const self = new Map<number, number>();
  // timeDeltas[i] is the time before sample i: charge it to the sampled node (what V8's own
  // DevTools bottom-up view does).
  for (let i = 0; i < p.samples.length; i++)
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + Math.max(0, p.timeDeltas[i] ?? 0));
  const owner = new Map<string, number>();
  const fn = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    if (cf.functionName !== '(idle)') busy += us;
    const o = payer(id);
    owner.set(o, (owner.get(o) ?? 0) + us);
    fn.set(frameName(cf), (fn.get(frameName(cf)) ?? 0) + us);
  }
  const rows = (m: Map<string, number>): Row[] =>
    [...m]
      .filter(([name]) => name !== '(idle)')
      .map(([name, us]) => ({ name, ms: us / 1000, pct: busy ? (100 * us) / busy : 0 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return {
    wallMs: (p.endTime - p.startTime) / 1000,
    busyMs: busy / 1000,
    byOwner: rows(owner),
    byFunction: rows(fn),
  };
}

export function renderSummary(s: ProfileSummary, title: string): string {
  const table = (head: string, rows: Row[]) => [
    `| ${head} | self ms | % of busy |`,
    '|---|---:|---:|',
    ...rows.map((r) => `| \`${r.name}\` | ${r.ms.toFixed(0)} | ${r.pct.toFixed(1)} |`),
  ];
  return [
    `# ${title}`,
    '',
    `Profile covers ${(s.wallMs / 1000).toFixed(1)} s; busy (not idle) ${(s.busyMs / 1000).toFixed(1)} s (${((100 * s.busyMs) / s.wallMs).toFixed(0)} % of one core).`,
    '',
    ...table('owner: package or file (native and node-core time charged to its caller)', s.byOwner),
    '',
    ...table('function (self time)', s.byFunction),
    '',
  ].join('\n');
}

const USAGE = 'usage: node bench/cpu-profile.ts PROFILE.cpuprofile [--top 25] [--json] [--title T]';

function main(argv: string[]): number {
  exitOnHelp(argv, USAGE);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { top: { type: 'string' }, json: { type: 'boolean' }, title: { type: 'string' } },
    });
  } catch (e) {
    console.error(`bench/cpu-profile.ts: ${(e as Error).message.split('\n')[0]}`);
    return 2;
  }
  const file = parsed.positionals[0];
  const top = Number(parsed.values.top ?? 25);
  if (!file || !Number.isInteger(top) || top < 1) {
    console.error(USAGE);
    return 2;
  }
  let profile: CpuProfile;
  try {
    profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  } catch (e) {
    console.error(`bench/cpu-profile.ts: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const s = summarize(profile, top);
  console.log(
    parsed.values.json
      ? JSON.stringify(s, null, 2)
      : renderSummary(s, parsed.values.title ?? `CPU profile ${path.basename(file)}`),
  );
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main(process.argv.slice(2)));
}
