// The least proof each seed criterion accepts (shared/DESIGN.md: "one that needs running software
// cannot pass on static text"). A criterion about behaviour (something starts, answers, is fast, is
// blocked, completes in a time) needs software that ran: `substitute` or stronger (a stand-in that
// ran counts, named). A criterion about a configuration a real tool can load needs `rendered`. The
// rest (documents, files that exist, settings on disk after a script ran) accept `static`.
// The report turns a row decided only below its least proof into `partial`, never `pass`.
import type { Proof } from '../../tasks/engine/task.ts';
import { CRITERIA, type CriterionId } from './criteria.ts';

/** Criteria that need running software (live, or live on a named stand-in). */
const RUNNING: readonly CriterionId[] = [
  '0-1.ac1',
  '0-1.ac2',
  '0-1.ac3',
  '0-1.ac5',
  '0-1.ac7',
  '0-1.ac8',
  '0-2.ac2',
  '0-2.ac3',
  '0-2.ac4',
  '0-2.ac5',
  '0-2.ac8',
  '0-3.ac1',
  '0-3.ac2',
  '0-3.ac3',
  '0-3.ac4',
  '0-3.ac5',
  '0-3.ac6',
  '0-3.ac7',
  '0-3.ac8',
  '0-4.ac1',
  '0-4.ac2',
  '0-4.ac3',
  '0-5.ac1',
  '0-5.ac2',
  '0-5.ac3',
  '0-5.ac4',
  '0-5.ac6',
  '0-6.ac1',
  '0-6.ac2',
  '0-6.ac3',
  '0-6.ac4',
  '0-6.ac5',
  '0-6.ac7',
  '0-7.ac1',
  '0-7.ac2',
  '0-7.ac3',
  '0-7.ac5',
  '0-8.ac3',
  '0-8.ac4',
  '0-8.ac5',
  '0-8.ac6',
  '0-8.ac7',
  '0-9.ac3',
  '0-9.ac4',
  '0-9.ac5',
  '0-9.ac8',
  '0-10.ac1',
  '0-10.ac2',
  '0-10.ac3',
  '0-10.ac4',
  '0-10.ac5',
  '0-12.ac1',
  '0-13.ac1',
  '0-13.ac2',
  '0-13.ac3',
  '0-13.ac4',
  '0-13.ac5',
  '0-13.ac6',
  '0-13.ac7',
  '0-13.ac8',
  '0-13.ac9',
];

/** Criteria on a configuration that a real upstream tool must load (k3d/Compose loaders, promtool, make -n). */
const RENDERED: readonly CriterionId[] = [
  '0-2.ac6',
  '0-2.ac7',
  '0-4.ac5',
  '0-7.ac4',
  '0-11.ac1',
  '0-11.ac2',
  '0-11.ac3',
  '0-11.ac4',
  '0-11.ac5',
  '0-11.ac6',
  '0-11.ac7',
  '0-11.ac8',
  '0-11.ac9',
  '0-11.ac10',
  '0-11.ac11',
];

export const LEAST_PROOF: ReadonlyMap<CriterionId, Proof> = new Map(
  CRITERIA.map((c) => [
    c.id,
    RUNNING.includes(c.id) ? 'substitute' : RENDERED.includes(c.id) ? 'rendered' : 'static',
  ]),
);

/** A performance requirement is always a figure measured on running software. */
export const REQUIREMENT_LEAST_PROOF: Proof = 'substitute';

export const leastProof = (id: CriterionId): Proof => LEAST_PROOF.get(id) ?? 'static';
