// 0-2.ac9 (cluster management) and 0-7.ac6 (Compose vs Kubernetes) are documentation criteria:
// they hold or not on every target, so the docs task checks them rather than the k3d and compose
// targets only (natively they were never checked). Each guide must carry what a reader needs.
import fs from 'node:fs';
import path from 'node:path';
import { defineCheck, type DefinedCheck } from '../../../validation/lib/define-check.ts';
import type { CriterionId } from '../../../validation/report/criteria.ts';
import { GUIDE } from '../../../validation/lib/docs.ts';

interface GuideSpec {
  id: string;
  criterion: CriterionId;
  title: string;
  page: string;
  /** What the page must explain, and the text that shows it does. */
  covers: [string, RegExp][];
}

const GUIDES: GuideSpec[] = [
  {
    id: '0-2.docs',
    criterion: '0-2.ac9',
    title: 'Documentation explains cluster management (create, start, stop, delete, reach, troubleshoot)',
    page: `${GUIDE}/kubernetes-cluster.md`,
    covers: [
      ['creating the cluster', /k3d cluster create --config/],
      ['starting and stopping it', /k3d cluster (start|stop)/],
      ['deleting it', /k3d cluster delete/],
      ['connecting kubectl', /kubectl (--context \S+ )?(get nodes|cluster-info)/],
      ['the namespaces', /namespaces/],
      ['reaching the services (ports)', /^## Reaching the services/m],
      ['troubleshooting', /^## Troubleshooting/m],
    ],
  },
  {
    id: '0-7.docs',
    criterion: '0-7.ac6',
    title: 'Documentation explains when to use Docker Compose vs Kubernetes',
    page: `${GUIDE}/docker-compose-vs-k8s.md`,
    covers: [
      ['a "when to use which" section', /^## When to use which/m],
      ['when Compose', /\*\*Compose\*\*/],
      ['when k3d', /\*\*k3d\*\*/],
      ['when native', /\*\*native\*\*/],
      ['how to pick the target', /--target compose/],
    ],
  },
];

const guideCheck = (g: GuideSpec): DefinedCheck =>
  defineCheck({ id: g.id, criteria: [g.criterion], title: g.title, proof: 'static' }, (_, ctx) => {
    const file = path.join(ctx.paths.root, g.page);
    if (!fs.existsSync(file)) throw new Error(`${g.page} is missing`);
    const text = fs.readFileSync(file, 'utf8');
    const missing = g.covers.filter(([, re]) => !re.test(text)).map(([what]) => what);
    return {
      measured: g.covers.length - missing.length,
      unit: 'topics covered',
      threshold: `all ${g.covers.length}`,
      evidence: g.page,
      problems: missing.length ? [`${g.page} does not explain: ${missing.join(', ')}`] : [],
    };
  });

export const TARGET_DOCS_CHECKS: readonly DefinedCheck[] = GUIDES.map(guideCheck);
