// The Helm releases: each rendered by the pinned helm from the pinned chart with the project's
// values (the objects the other checks then validate), and each values file's keys checked
// against what its chart defines (Helm silently ignores a key it does not know).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { kubeVersion } from '../../tasks/config/versions.ts';
import { REPO_ROOT } from '../../tasks/paths.ts';
import { locateChart } from './charts.ts';
import { docs, timed, type Part, type Rendered, type RenderInputs } from './parts.ts';
import { loadChartModel, unknownKeys } from './values-keys.ts';

/** helm template of every release; `skip`: nothing needs the objects, render none. */
export async function renderReleases(
  inputs: RenderInputs,
  helm: string,
  skip: boolean,
): Promise<{ part: Part; rendered: Rendered[]; objectCount: number }> {
  const v = inputs.versions;
  const kube = kubeVersion(v);
  const rendered: Rendered[] = [];
  const renderProblems: string[] = [];
  const [, renderMs] = await timed(async () => {
    if (skip) return;
    for (const [name, chart] of Object.entries(v.charts)) {
      const source = await locateChart(name, chart, {
        helm,
        cache: inputs.cache,
        ...(inputs.env ? { env: inputs.env } : {}),
        ...(inputs.signal ? { signal: inputs.signal } : {}),
      });
      const r = await execa(
        helm,
        [
          'template',
          chart.release,
          source.file,
          '--namespace',
          'infra',
          '--values',
          path.resolve(REPO_ROOT, chart.values),
          '--kube-version',
          kube,
          '--include-crds',
        ],
        { reject: false, all: true, ...(inputs.signal ? { cancelSignal: inputs.signal } : {}) },
      );
      if (r.exitCode !== 0) {
        renderProblems.push(
          `${chart.values}: helm template ${chart.release} (${name} ${chart.version}) failed: ${(r.stderr || r.all || '').replace(/\s+/g, ' ').trim()}`,
        );
        continue;
      }
      rendered.push({
        release: chart.release,
        chart: `${name} ${chart.version}`,
        values: chart.values,
        source,
        text: r.stdout,
      });
    }
  });
  const objectCount = rendered.reduce((n, r) => n + docs(r.text).length, 0);
  const part: Part = {
    id: 'render',
    title: 'Every Helm release renders with the project values (pinned helm and charts)',
    ok: renderProblems.length === 0,
    evidence: `helm ${v.tools.helm.version} template --kube-version ${kube}: ${rendered.map((r) => `${r.chart} (${r.source.from})`).join(', ')}; ${objectCount} objects`,
    problems: renderProblems,
    ms: renderMs,
  };
  return { part, rendered, objectCount };
}

/** Values keys the charts do not define; charts are unpacked under `work`. */
export async function valuesKeysPart(
  inputs: RenderInputs,
  helm: string,
  work: string,
  skip: boolean,
): Promise<Part> {
  const v = inputs.versions;
  const [keyProblems, keysMs] = await timed(async () => {
    const out: string[] = [];
    if (skip) return out;
    for (const [name, chart] of Object.entries(v.charts)) {
      const source = await locateChart(name, chart, {
        helm,
        cache: inputs.cache,
        ...(inputs.env ? { env: inputs.env } : {}),
      });
      const dir = path.join(work, `chart-${name}`);
      await execa('mkdir', ['-p', dir]);
      await execa('tar', ['xzf', source.file, '-C', dir]);
      const model = loadChartModel(path.join(dir, name));
      const values = (parse(readFileSync(path.resolve(REPO_ROOT, chart.values), 'utf8')) ?? {}) as Record<
        string,
        unknown
      >;
      for (const key of unknownKeys(values, model)) {
        out.push(
          `${chart.values}: key ${key} is not defined by the chart ${name} ${chart.version} (Helm ignores it)`,
        );
      }
    }
    return out;
  });
  return {
    id: 'values-keys',
    title: 'Every key in the values files is one the chart defines',
    ok: keyProblems.length === 0,
    evidence: `${Object.values(v.charts)
      .map((c) => c.values)
      .join(', ')} against the charts' default values and the maps they pass on whole`,
    problems: keyProblems,
    ms: keysMs,
  };
}
