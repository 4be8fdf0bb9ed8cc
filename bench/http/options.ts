// What a load run on the demo service is asked to do (bench/http-load.ts parses the flags).
import { UsageError } from '../../tasks/engine/task.ts';

export const CLIENTS = ['platformatic', 'kafkajs'] as const;
export const ROWS = ['platform', 'observed', 'detached'] as const;
export const DEFAULT_ROWS = ['platform', 'detached'];
export type RowName = (typeof ROWS)[number];

export interface LoadOptions {
  rows: RowName[];
  /** Kafka client of the detached demo (the platform's demo runs with its own setting). */
  client: (typeof CLIENTS)[number];
  bootstrap: string;
  threads: number;
  connections: number;
  durationS: number;
  warmupS: number;
  /** Trace ids of the platform row looked up in Jaeger and VictoriaLogs. */
  sample: number;
  outDir: string;
  /** The started demos' directory; another checkout's lets a before/after use the same bench. */
  demoDir: string;
  /** Started demos run under `node --cpu-prof` and write their profile here. */
  cpuProfDir?: string;
}

export function positiveInt(raw: string | undefined, flag: string, dflt: number, max: number, min = 1): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got '${raw}'`);
  return n;
}
