// Seed task 0-10: the service template proven by use, as data. scripts/create-service.sh generates
// a service (generated.ts: the generator and the files it wrote), the service runs as a real
// process against the target's Kafka and OTLP endpoints (running.ts: probes, metrics, JSON logs,
// spans, SIGTERM). The process is stopped and the generated copy removed afterwards, whatever failed.
import fs from 'node:fs/promises';
import type { PlatformContext } from '../../context.ts';
import type { Check } from '../../engine/task.ts';
import { runChecks } from '../../../validation/lib/define-check.ts';
import { generateCheck, generatedDir, PART_CHECKS } from './generated.ts';
import { gracefulShutdown, health, logging, metrics, stopService, tracing } from './running.ts';

export const TEMPLATE_CHECKS = [
  generateCheck,
  ...PART_CHECKS,
  health,
  metrics,
  logging,
  tracing,
  gracefulShutdown,
];

export async function templateChecks(ctx: PlatformContext): Promise<Check[]> {
  try {
    return await runChecks(ctx, TEMPLATE_CHECKS);
  } finally {
    await stopService(ctx);
    const dir = generatedDir(ctx);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  }
}
