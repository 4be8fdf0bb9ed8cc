// Every subcommand of tasks.ts. Add one line per command module.
import type { CommandSpec } from '../command.ts';
import { up } from './up.ts';
import { down } from './down.ts';
import { verify } from './verify.ts';
import { status } from './status.ts';
import { logs } from './logs.ts';
import { restart } from './restart.ts';
import { plan } from './plan.ts';
import { graph } from './graph.ts';
import { list } from './list.ts';
import { clean } from './clean.ts';
import { topicsCreate } from './topics-create.ts';
import { doctorCommand } from './doctor.ts';
import { devSetupCommand } from './dev-setup.ts';
import { secretsToK8sCommand } from './secrets-to-k8s.ts';
import { bench } from './bench.ts';
import newService from './new-service.ts';

export const commands: CommandSpec[] = [
  up,
  down,
  verify,
  status,
  logs,
  restart,
  plan,
  graph,
  list,
  clean,
  topicsCreate,
  doctorCommand,
  devSetupCommand,
  secretsToK8sCommand,
  bench,
  newService,
];
