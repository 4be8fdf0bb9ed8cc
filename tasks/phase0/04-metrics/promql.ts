// Just enough PromQL reading for the metrics checks: which metric names an expression selects,
// which series a recording rule resolves to, and which exporter provides a metric. Not a full
// parser: the rules and dashboards in this repo are the inputs, and a unit test holds them.

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
  'atan2',
  'start',
  'end',
]);

/** Metric names an expression selects (functions, label names, keywords and literals excluded). */
export function metricNames(expr: string): string[] {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery windows
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping label lists
  const names = new Set<string>();
  const re = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const word = m[0];
    const prev = s[m.index - 1];
    if (prev !== undefined && /[0-9.]/.test(prev)) continue; // 1e3, 0.5s
    const rest = s.slice(m.index + word.length);
    if (/^\s*\(/.test(rest)) continue; // function or aggregation call
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/** Grafana template variables replaced by values that select everything, so the query runs as-is. */
export function expandGrafanaVars(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
    .replace(/=~"\$\{?\w+\}?"/g, '=~".*"')
    .replace(/="\$\{?\w+\}?"/g, '=~".*"');
}

/** Base (scraped) metric names behind a list of names, following recording rules recursively. */
export function baseMetrics(names: readonly string[], recording: ReadonlyMap<string, string>): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const walk = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    const expr = recording.get(n);
    if (expr === undefined) out.add(n);
    else for (const m of metricNames(expr)) walk(m);
  };
  names.forEach(walk);
  return [...out];
}

/** Which exporter provides a metric, as scrape job name and a human label. */
export interface Provider {
  job: string;
  exporter: string;
  /** Must this metric have data whenever the platform is up? */
  required: boolean;
}

export function providerOf(metric: string): Provider | undefined {
  if (
    metric === 'up' ||
    metric === 'ALERTS' ||
    metric === 'ALERTS_FOR_STATE' ||
    metric.startsWith('scrape_')
  ) {
    return { job: 'prometheus', exporter: 'Prometheus (synthetic series)', required: metric === 'up' };
  }
  if (metric.startsWith('prometheus_'))
    return { job: 'prometheus', exporter: 'Prometheus self-scrape', required: true };
  if (metric.startsWith('node_')) return { job: 'node', exporter: 'node_exporter', required: true };
  if (metric === 'kafka_brokers' || metric.startsWith('kafka_topic_partition')) {
    return {
      job: 'kafka-lag-exporter',
      exporter: 'kafka_exporter metrics (native: lag exporter)',
      required: true,
    };
  }
  if (metric.startsWith('kafka_consumergroup_')) {
    // Series exist only once a consumer group has committed offsets.
    return {
      job: 'kafka-lag-exporter',
      exporter: 'kafka_exporter metrics (native: lag exporter)',
      required: false,
    };
  }
  if (/^(kafka_server|kafka_network|kafka_controller|kafka_log|jvm)_/.test(metric)) {
    return { job: 'kafka', exporter: 'Kafka broker (JMX exporter agent)', required: true };
  }
  if (
    metric.startsWith('http_') ||
    metric.startsWith('kafka_messages_') ||
    metric.startsWith('kafka_produce_')
  ) {
    return { job: 'demo-service', exporter: 'services (prom-client, service template)', required: false };
  }
  if (metric.startsWith('process_'))
    return { job: 'prometheus', exporter: 'every scraped process (process collector)', required: true };
  return undefined;
}
