// The phase-0 graph: every seed task as a node. 0-11/0-12/0-13 need all of 0-1 … 0-10, as the seed says.
import { devEnvironment } from './01-dev-environment.ts';
import { cluster } from './02-cluster.ts';
import { eventBus } from './03-event-bus.ts';
import { metrics } from './04-metrics.ts';
import { logs } from './05-logs.ts';
import { traces } from './06-traces.ts';
import { compose } from './07-compose.ts';
import { ciCd } from './08-ci-cd.ts';
import { secrets } from './09-secrets.ts';
import { serviceTemplate } from './10-service-template.ts';
import type { PhaseTask } from './define.ts';

export const beforeIntegration: readonly PhaseTask[] = [
  devEnvironment, cluster, eventBus, metrics, logs, traces, compose, ciCd, secrets, serviceTemplate,
];
