// The Docker paths proven without Docker (issue 12), for CI and by hand: every Helm release
// rendered by the pinned helm from the pinned chart, kubeconform -strict on everything k3d
// applies, values keys the charts lack, the k3d config through k3d's loader, the Compose files
// through compose-go with the settings `up` uses, and health checks against their images.
// Builds the tools it needs (Go module proxy) on first use. `verify` runs the same checks (0-1).
// Usage: npx tsx scripts/check-docker-paths.ts   Exit: 0 all pass, 1 a check failed, 2 configuration error.
import { performance } from 'node:perf_hooks';
import { loadSettings } from '../tasks/config/settings.ts';
import { UsageError } from '../tasks/engine/task.ts';
import { REPO_ROOT, resolvePaths } from '../tasks/paths.ts';
import { redact } from '../tasks/config/redact.ts';
import { dockerPathInputs } from '../tasks/phase0/01-dev-environment/docker-paths.ts';
import { runDockerPathChecks } from '../validation/docker/render.ts';

const t0 = performance.now();
try {
  const inputs = dockerPathInputs({
    env: loadSettings({ root: REPO_ROOT }),
    paths: resolvePaths(),
    signal: AbortSignal.timeout(30 * 60_000),
    log: (l) => console.log(`  ${redact(l)}`),
  });
  const parts = await runDockerPathChecks(inputs);
  for (const p of parts) {
    console.log(
      `${p.ok ? 'pass' : 'FAIL'}  ${p.id.padEnd(14)} ${(p.ms / 1000).toFixed(1).padStart(5)} s  ${p.title}`,
    );
    console.log(`      ${redact(p.evidence)}`);
    for (const line of p.problems) console.log(`      - ${redact(line)}`);
  }
  const failed = parts.filter((p) => !p.ok).length;
  console.log(
    `docker paths: ${parts.length - failed} of ${parts.length} checks pass in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  process.exitCode = failed ? 1 : 0;
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`check-docker-paths: ${redact(e.message)}`);
    process.exitCode = 2;
  } else throw e;
}
