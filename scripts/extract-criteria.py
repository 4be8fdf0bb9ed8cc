#!/usr/bin/env python3
"""Regenerates validation/report/criteria.ts from the seed plan.

Usage: scripts/extract-criteria.py [SEED_MARKDOWN] > validation/report/criteria.ts
Default seed: ../shared/seed/phase-0-tasks.md beside the repository.
"""
import json, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
seed = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / 'shared/seed/phase-0-tasks.md'
text = seed.read_text()
tasks = []
for block in re.split(r'\n### Task ', text)[1:]:
    m = re.match(r'(0-\d+): (.+)', block)
    acs = re.search(r'\*\*Acceptance Criteria:\*\*\n(.*?)\n\n', block, re.S)
    items = [l[6:].strip() for l in acs.group(1).split('\n') if l.startswith('- [ ]')]
    tasks.append((m.group(1), m.group(2).strip(), items))

o = [
    "// The seed's acceptance criteria (../shared/seed/phase-0-tasks.md), one entry each, generated",
    "// from the plan's text by scripts/extract-criteria.py. The report lists every one: pass, fail, or skip",
    "// with a reason. Checks name the criteria they prove by id (`0-3.ac4`).",
    "",
    "export interface Criterion {", "  id: CriterionId;", "  task: string;", "  text: string;", "  requirement?: RequirementId;", "}",
    "",
    "export interface SeedTask {", "  id: string;", "  title: string;", "}",
    "",
    "export const SEED_TASKS: readonly SeedTask[] = [",
]
o += [f"  {{ id: {json.dumps(t)}, title: {json.dumps(title)} }}," for t, title, _ in tasks]
o += [
    "];", "",
    "// `as const` so the ids form a type: a check naming `0-4.acl` does not compile.",
    "const TABLE = [",
]
for t, _, items in tasks:
    for i, it in enumerate(items, 1):
        req = re.search(r'\((REQ-0\.\d)\)', it)
        r = f", requirement: {json.dumps(req.group(1))}" if req else ""
        o.append(f"  {{ id: '{t}.ac{i}', task: '{t}', text: {json.dumps(it)}{r} }},")
o += [
    "] as const;", "",
    "/** A seed acceptance criterion's id, e.g. `0-3.ac4`. */",
    "export type CriterionId = (typeof TABLE)[number]['id'];", "",
    "export const CRITERIA: readonly Criterion[] = TABLE;", "",
    "/** Performance requirements as the seed names them. REQ-0.3 and REQ-0.4 are not referenced by the seed's task list. */",
    "export const REQUIREMENTS = {",
    "  'REQ-0.1': 'Local cluster: start < 2 min, < 4 GB RAM',",
    "  'REQ-0.2': 'Kafka API: > 10,000 msg/s, p95 latency < 50 ms',",
    "  'REQ-0.5': 'CI pipeline < 5 minutes',",
    "} as const;", "",
    "export type RequirementId = keyof typeof REQUIREMENTS;", "",
]
sys.stdout.write('\n'.join(o))
