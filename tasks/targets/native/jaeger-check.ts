// A check only the native target can give (seed 0-6): Jaeger v2, which stands in for Tempo here,
// answers its query API and reads its store. The request traces themselves are looked up by the
// shared checks in tasks/phase0/06-traces through the `traceQuery` endpoint.
import fsp from 'node:fs/promises';
import YAML from 'yaml';
import type { Paths } from '../../context.ts';
import { check, type Check } from '../../engine/task.ts';
import { errText } from '../../../validation/lib/errors.ts';
import { http } from '../../../validation/lib/http.ts';
import { substitute } from '../../../validation/lib/checks.ts';

const TASK = '0-6';
const SUBSTITUTE = 'Jaeger (for Tempo)';
const JAEGER_FOR_TEMPO = { for: 'Tempo', by: 'Jaeger v2 (Badger store)' };

/** Jaeger's query API answers and lists services (the store is readable). */
export async function jaegerReadyCheck(jaeger: { url: string }): Promise<Check> {
  const id = `${TASK}.jaeger-ready`;
  const title = `The trace store answers its query API (${SUBSTITUTE})`;
  try {
    const r = await http(`${jaeger.url}/api/services`, { timeoutMs: 5_000 });
    const services = (JSON.parse(r.text || '{}') as { data?: string[] }).data ?? [];
    return check({
      id,
      title,
      criteria: ['0-6.ac1'],
      ...substitute(JAEGER_FOR_TEMPO),
      status: r.status === 200 ? 'pass' : 'fail',
      measured: Math.round(r.ms),
      unit: 'ms',
      evidence: `GET ${jaeger.url}/api/services → ${r.status}: ${services.join(', ') || 'no service yet'}`,
      ...(r.status === 200 ? {} : { reason: `answered ${r.status}` }),
    });
  } catch (e) {
    return check({
      id,
      title,
      criteria: ['0-6.ac1'],
      ...substitute(JAEGER_FOR_TEMPO),
      status: 'fail',
      reason: `${jaeger.url}: ${errText(e)}`,
    });
  }
}

/**
 * Trace retention: the Badger TTL in the config the native target starts Jaeger with (Jaeger's
 * API does not report its storage settings, so this reads the file, not the process).
 */
export async function jaegerRetentionCheck(paths: Paths, configFile: string): Promise<Check> {
  const id = `${TASK}.jaeger-retention`;
  const title = `Trace retention 7 days: Badger TTL of the store (${SUBSTITUTE})`;
  const rel = configFile.startsWith(paths.root) ? configFile.slice(paths.root.length + 1) : configFile;
  try {
    const cfg = YAML.parse(await fsp.readFile(configFile, 'utf8')) as {
      extensions?: {
        jaeger_storage?: {
          backends?: Record<string, { badger?: { ttl?: { spans?: string }; ephemeral?: boolean } }>;
        };
      };
    };
    const backends = Object.entries(cfg.extensions?.jaeger_storage?.backends ?? {});
    const ttl = backends.map(([, b]) => b.badger?.ttl?.spans).find(Boolean);
    const persistent = backends.some(([, b]) => b.badger && b.badger.ephemeral === false);
    const ok = ttl === '168h' && persistent;
    return check({
      id,
      title,
      criteria: ['0-6.ac6'],
      proof: 'static',
      status: ok ? 'pass' : 'fail',
      measured: ttl ?? 'unset',
      threshold: '168h, persistent',
      evidence: `${rel}: extensions.jaeger_storage.backends.*.badger.ttl.spans (static: the file Jaeger runs with), ephemeral=${!persistent}`,
      ...(ok ? {} : { reason: `ttl ${ttl ?? 'unset'}${persistent ? '' : ', in-memory (ephemeral) store'}` }),
    });
  } catch (e) {
    return check({
      id,
      title,
      criteria: ['0-6.ac6'],
      proof: 'static',
      status: 'fail',
      reason: `${rel}: ${errText(e)}`,
    });
  }
}
