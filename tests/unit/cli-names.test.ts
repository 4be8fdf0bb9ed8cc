import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commands } from '../../tasks/cli/commands/index.ts';
import { COMMAND_NAMES } from '../../tasks/cli/names.ts';

test('the leaf list of command names is exactly the commands tasks.ts registers', () => {
  assert.equal(
    commands.map((c) => c.name),
    [...COMMAND_NAMES],
  );
});

test.run();
