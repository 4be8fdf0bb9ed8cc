// The console's reading of Grafana dashboard JSON (tasks/console/dashboards/model.ts) against the
// committed dashboards themselves (manifests/grafana/dashboards/, what Grafana loads on the
// Docker paths): every panel is drawable, its queries come out with the variables and Grafana's
// macros replaced as Grafana replaces them, its unit is one the console writes like Grafana, and
// its colours follow the thresholds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../tasks/paths.ts';
import {
  DEFAULT_THRESHOLDS,
  KNOWN_UNITS,
  defaultSelection,
  formatValue,
  interpolate,
  intervalS,
  panelProblem,
  panelQueries,
  panelsOf,
  parseTime,
  parseVariableQuery,
  reduce,
  seriesName,
  thresholdColor,
  thresholdsOf,
  type GrafanaDashboard,
  type QueryContext,
} from '../../tasks/console/dashboards/model.ts';
import { logsPanelUrl, logsqlOf } from '../../tasks/console/dashboards/logs-query.ts';

const dir = path.join(REPO_ROOT, 'manifests', 'grafana', 'dashboards');
const dashboards = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, d: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as GrafanaDashboard }));

const hour: QueryContext = { rangeS: 3600, intervalS: 15 };

test('the four committed dashboards are the ones the console reads', () => {
  assert.equal(dashboards.map((x) => x.d.title).sort(), ['Example-App Overview', 'Kafka Metrics', 'Resource Usage', 'Service Metrics']);
});

test('every committed panel can be drawn: a supported type with at least one query', () => {
  for (const { file, d } of dashboards) {
    const panels = panelsOf(d);
    assert.ok(panels.length > 0, file);
    for (const p of panels) {
      assert.is(panelProblem(p), undefined, `${file}: ${p.title}`);
      assert.ok(panelQueries(p, hour).length >= 1, `${file}: ${p.title}`);
    }
  }
});

test("every committed query comes out with no variable or macro left, the Service Metrics' $job as All's .+", () => {
  for (const { file, d } of dashboards) {
    const q: QueryContext = { ...hour, variables: d.templating?.list ?? [] };
    for (const p of panelsOf(d)) for (const x of panelQueries(p, q)) assert.not.match(x.expr, /\$|\[\[/, `${file}: ${p.title}: ${x.expr}`);
  }
  const sm = dashboards.find((x) => x.d.uid === 'example-app-service-metrics')!.d;
  const vars = sm.templating!.list!;
  const first = panelsOf(sm)[0]!;
  assert.equal(defaultSelection(vars[0]!), ['$__all']);
  assert.is(panelQueries(first, { ...hour, variables: vars })[0]!.expr, 'job:http_requests:rate5m{job=~".+"}');
  // One service chosen: a regex with its special characters escaped; two: an alternation.
  assert.is(panelQueries(first, { ...hour, variables: vars, selected: { job: ['demo.service'] } })[0]!.expr, 'job:http_requests:rate5m{job=~"demo\\.service"}');
  assert.is(panelQueries(first, { ...hour, variables: vars, selected: { job: ['a', 'b'] } })[0]!.expr, 'job:http_requests:rate5m{job=~"(a|b)"}');
  // The variable's own query is what the console asks Prometheus for its values.
  assert.equal(parseVariableQuery(vars[0]!), { label: 'job', match: 'http_requests_total' });
});

test("All without an allValue lists the options, as Grafana's Prometheus datasource does", () => {
  const v = { name: 'job', type: 'query', includeAll: true, multi: true };
  assert.is(interpolate('up{job=~"$job"}', { ...hour, variables: [v], options: { job: ['a', 'b.c'] } }), 'up{job=~"(a|b\\.c)"}');
  assert.is(interpolate('up{job="$job"}', { ...hour, variables: [{ name: 'job', type: 'query' }], selected: { job: ['x'] } }), 'up{job="x"}');
  assert.throws(() => parseVariableQuery({ name: 'x', type: 'custom', query: 'a,b' }), /only label_values/);
});

test("Grafana's macros: $__rate_interval = max($__interval + scrape, 4 × scrape), $__interval, $__range, in every spelling", () => {
  const q = (rangeS: number, iv: number) => ({ rangeS, intervalS: iv });
  assert.is(interpolate('rate(x[$__rate_interval])', q(3600, 15)), 'rate(x[1m])');
  assert.is(interpolate('rate(x[$__rate_interval])', q(21600, 60)), 'rate(x[75s])');
  assert.is(interpolate('avg_over_time(x[${__interval}])', q(3600, 120)), 'avg_over_time(x[2m])');
  assert.is(interpolate('increase(x[[[__range]]])', q(3600, 15)), 'increase(x[1h])');
  assert.is(interpolate('x / $__range_s + $__interval_ms', q(86400, 300)), 'x / 86400 + 300000');
  // The interval follows the panel's width and is never below the scrape interval.
  assert.is(intervalS(3600, 1000), 15);
  assert.is(intervalS(86400, 500), 300);
  assert.is(intervalS(3600 * 24 * 7, 800), 900);
  assert.is(parseTime('now-1h', 10_000), 6400);
  assert.throws(() => parseTime('now-bogus', 0), /not understood/);
});

test('every unit the committed panels use is one the console writes as Grafana does', () => {
  const used = new Set(dashboards.flatMap(({ d }) => panelsOf(d).map((p) => p.fieldConfig?.defaults?.unit ?? 'short')));
  for (const u of used) assert.ok((KNOWN_UNITS as readonly string[]).includes(u), u);
  assert.is(formatValue(0.0123, 'percentunit'), '1.23%');
  assert.is(formatValue(12.5, 'reqps'), '12.5 req/s');
  assert.is(formatValue(0.25, 's'), '250 ms');
  assert.is(formatValue(90, 's'), '1.5 min');
  assert.is(formatValue(3 * 2 ** 20, 'bytes'), '3 MiB');
  assert.is(formatValue(1500, 'short'), '1.5 K');
  assert.is(formatValue(3, 'short', 2), '3.00');
  assert.is(formatValue(null, 'short'), 'No data');
  assert.is(formatValue(7, 'widgets'), '7 widgets');
});

test("thresholds: a panel's own steps colour its value; none set means Grafana's default (red from 80)", () => {
  for (const { d } of dashboards) for (const p of panelsOf(d)) assert.ok(thresholdsOf(p).length >= 1);
  const stat = panelsOf(dashboards.find((x) => x.d.uid === 'example-app-overview')!.d).find((p) => p.type === 'stat')!;
  const steps = stat.fieldConfig?.defaults?.thresholds?.steps ?? DEFAULT_THRESHOLDS;
  assert.equal(thresholdsOf(stat), steps);
  const own = [
    { color: 'green', value: null },
    { color: 'orange', value: 1 },
    { color: '#ff0000', value: 5 },
  ];
  assert.is(thresholdColor(0, own), '#73bf69');
  assert.is(thresholdColor(1, own), '#ff9830');
  assert.is(thresholdColor(9, own), '#ff0000');
  assert.is(thresholdColor(81, DEFAULT_THRESHOLDS), '#f2495c');
  assert.is(thresholdColor(null, own), '#73bf69');
});

test('an unsupported panel type or one without a query is named, not drawn', () => {
  assert.match(panelProblem({ type: 'piechart', targets: [{ expr: 'up' }] })!, /panel type "piechart" is not supported/);
  assert.match(panelProblem({ type: 'stat', targets: [{ expr: 'up', hide: true }] })!, /no query/);
  assert.is(panelsOf({ panels: [{ type: 'row', panels: [{ type: 'stat', title: 'inner' }] }] })[0]!.title, 'inner');
});

test("legends fill {{label}}; without a format a series is named in Prometheus' notation; stats reduce lastNotNull", () => {
  assert.is(seriesName({ job: 'demo', topic: 't' }, '{{job}} → {{topic}}'), 'demo → t');
  assert.is(seriesName({ __name__: 'up', job: 'demo' }), 'up{job="demo"}');
  assert.is(reduce([1, 2, null]), 2);
  assert.is(reduce([1, 2, null], 'last'), null);
  assert.is(reduce([1, 5, 3], 'max'), 5);
  assert.is(reduce([null, null]), null);
});

test("a logs panel's Loki query becomes LogsQL: the stream selector as it is, line filters as regex filters", () => {
  assert.is(logsqlOf('{service=~"demo-service"}'), '{service=~"demo-service"}');
  // |= is a substring: its text escaped into a regex; != negates; |~ and !~ keep their RE2.
  assert.is(logsqlOf('{service="a"} |= "POST /events" != "a.b"'), '{service="a"} ~"POST /events" -~"a\\\\.b"');
  assert.is(logsqlOf('{service="a"} |~ `err(or)?` !~ "debug"'), '{service="a"} ~"err(or)?" -~"debug"');
  assert.throws(() => logsqlOf('{service="a"} | json'), /"\| json" is not supported by the console/);
  assert.throws(() => logsqlOf('rate({service="a"}[5m])'), /stream selector/);
  assert.match(panelProblem({ type: 'logs', targets: [{ expr: 'sum(count_over_time({a="b"}[1m]))' }] })!, /stream selector/);
  const url = new URL(logsPanelUrl('{service="a"}', { from: 0, to: 60 }), 'http://console');
  assert.is(url.pathname, '/api/logsql/query');
  assert.is(url.searchParams.get('query'), '{service="a"} | sort by (_time desc) | limit 200');
  assert.is(url.searchParams.get('end'), '1970-01-01T00:01:00.000Z');
});

test("the Service Metrics dashboard's logs panel follows its service variable (All is .+: Loki refuses an empty-matching selector)", () => {
  const sm = dashboards.find((x) => x.d.uid === 'example-app-service-metrics')!.d;
  const logs = panelsOf(sm).find((p) => p.type === 'logs')!;
  assert.is(panelProblem(logs), undefined);
  assert.equal(panelQueries(logs, { ...hour, variables: sm.templating!.list! }).map((q) => logsqlOf(q.expr)), ['{service=~".+"}']);
  const one = { ...hour, variables: sm.templating!.list!, selected: { job: ['demo-service'] } };
  assert.equal(panelQueries(logs, one).map((q) => q.expr), ['{service=~"demo-service"}']);
});

test.run();
