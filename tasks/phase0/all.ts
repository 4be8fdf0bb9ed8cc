// The phase-0 graph: every seed task as a node. 0-11/0-12/0-13 need all of 0-1 … 0-10, as the seed says.
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
import type { PhaseTask } from './define.ts';

export const beforeIntegration: readonly PhaseTask[] = [
  devEnvironment, cluster, eventBus, metrics, logs, traces, compose, ciCd, secrets, serviceTemplate,
];
