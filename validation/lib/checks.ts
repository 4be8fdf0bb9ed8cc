// Small builders for checks every task uses: a skip when the target cannot provide an endpoint.
import { check, type Check } from '../../tasks/engine/task.ts';
import { isAvailable, type Endpoint } from '../../tasks/targets/target.ts';

/** A skip carrying the target's reason when `e` is unavailable; undefined when the check can run. */
export const skipFor = (id: string, title: string, e: Endpoint, criteria: string[]): Check | undefined =>
  isAvailable(e) ? undefined : check({ id, title, criteria, status: 'skip', reason: e.unavailable });

/** A measured figure against an upper bound: pass when strictly below. */
export const below = (value: number, limit: number): 'pass' | 'fail' => (value < limit ? 'pass' : 'fail');
