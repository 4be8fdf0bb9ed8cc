// Copies of pins from manifests/versions.yaml in files that cannot read it: the Compose env file's
// image block, package.json's engines, the Dockerfiles' NODE_VERSION, the workflows' Node. scripts/sync-versions.ts writes
// them; tests/unit/pin-copies.test.ts fails when one differs, so a bump is made in one place.
import { UsageError } from '../engine/task.ts';
import { COMPOSE_ENV_FILE } from './docker-files.ts';
import { VERSIONS_FILE, withImageBlock, type Versions } from './versions.ts';

export interface PinCopy {
  /** Relative to the repository root. */
  file: string;
  /** The file's text with its copy of the pin as `v` says. */
  render: (text: string, v: Versions) => string;
}

/** `text` with the one line `line` matches set to `wanted`; a file without that line is an error. */
function setLine(file: string, line: RegExp, wanted: string): (text: string) => string {
  return (text) => {
    if (!line.test(text))
      throw new UsageError(`${file}: no line matching ${line.source} to write ${VERSIONS_FILE}'s pin into; restore it`);
    return text.replace(line, wanted);
  };
}

const dockerfileNode = (file: string): PinCopy => ({
  file,
  render: (text, v) => setLine(file, /^ARG NODE_VERSION=.*$/m, `ARG NODE_VERSION=${v.node.version}`)(text),
});

const workflowNode = (file: string): PinCopy => ({
  file,
  render: (text, v) => setLine(file, /^ {2}NODE_VERSION: .*$/m, `  NODE_VERSION: '${v.node.version}'`)(text),
});

export const PIN_COPIES: readonly PinCopy[] = [
  {
    file: 'package.json',
    render: (text, v) => setLine('package.json', /^ {4}"node": ">=.*"$/m, `    "node": ">=${v.node.minimum}"`)(text),
  },
  { file: COMPOSE_ENV_FILE, render: withImageBlock },
  // The demo's Dockerfile is the template's (examples/demo-service/scripts/sync-template.ts); both
  // are written so neither sync has to run first.
  dockerfileNode('templates/service/Dockerfile'),
  dockerfileNode('examples/demo-service/Dockerfile'),
  workflowNode('.github/workflows/ci.yml'),
  workflowNode('.github/workflows/security.yml'),
];
