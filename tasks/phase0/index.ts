// Every phase-0 node, in seed order, wired into one graph (define.ts: wire); the engine validates
// it at load time. The only file that imports the task folders: they name each other by id.
import { devEnvironment } from './01-dev-environment/index.ts';
import { cluster } from './02-cluster/index.ts';
import { eventBus } from './03-event-bus/index.ts';
import { metrics } from './04-metrics/index.ts';
import { logs } from './05-logs/index.ts';
import { traces } from './06-traces/index.ts';
import { compose } from './07-compose/index.ts';
import { ciCd } from './08-ci-cd/index.ts';
import { secrets } from './09-secrets/index.ts';
import { serviceTemplate } from './10-service-template/index.ts';
import { makefile } from './11-makefile/index.ts';
import { docs } from './12-docs/index.ts';
import { e2eValidation } from './13-e2e-validation/index.ts';
import { wire, type PhaseTask } from './define.ts';

export const phase0: readonly PhaseTask[] = wire([
  devEnvironment,
  cluster,
  eventBus,
  metrics,
  logs,
  traces,
  compose,
  ciCd,
  secrets,
  serviceTemplate,
  makefile,
  docs,
  e2eValidation,
]);
