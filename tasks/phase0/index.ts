// Every phase-0 node, in seed order. The engine validates this list as a graph at load time.
import { beforeIntegration } from './all.ts';
import { makefile } from './11-makefile/index.ts';
import { docs } from './12-docs/index.ts';
import { e2eValidation } from './13-e2e-validation/index.ts';
import type { PhaseTask } from './define.ts';

export const phase0: readonly PhaseTask[] = [...beforeIntegration, makefile, docs, e2eValidation];
