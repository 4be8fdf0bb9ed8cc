// A criterion id is a typed union from the criteria table: a typo does not compile. The
// `@ts-expect-error` lines are the test: `npm run lint` (tsc --noEmit) fails if they compile,
// because an unused @ts-expect-error is itself an error. The runtime part keeps uvu honest.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defineCheck } from '../../validation/lib/define-check.ts';
import type { CriterionId } from '../../validation/report/criteria.ts';

const good: CriterionId = '0-4.ac1';
// @ts-expect-error '0-4.acl' (letter l) is not a seed criterion
const typo: CriterionId = '0-4.acl';
// @ts-expect-error a task that has only 8 criteria has no ac12
const beyond: CriterionId = '0-4.ac12';

const spec = defineCheck(
  // @ts-expect-error a check naming a wrong criterion does not compile
  { id: '0-4.x', criteria: ['0-4.acl'], title: 'x', proof: 'static' },
  () => ({}),
);
// @ts-expect-error `needs` is an endpoint of the target, not any string
defineCheck({ id: '0-4.y', title: 'y', needs: 'prometheus-typo', proof: 'live' }, () => ({}));

test('criterion ids are checked at compile time (see the @ts-expect-error lines)', () => {
  assert.equal([good, typo, beyond, spec.spec.id], ['0-4.ac1', '0-4.acl', '0-4.ac12', '0-4.x']);
});

test.run();
