// One config source: a target's endpoints and its components' processes read the same settings,
// so a port set in .env moves both (before, the native endpoints read only the process environment).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { composeTarget } from '../../tasks/targets/compose/index.ts';
import { k3dTarget } from '../../tasks/targets/k3d/index.ts';
import { kafkaBootstrap, kafkaSettings } from '../../tasks/targets/native/kafka.ts';
import { nativeTarget } from '../../tasks/targets/native/index.ts';
import { metricsPorts } from '../../tasks/targets/native/prometheus.ts';
import type { Endpoint } from '../../tasks/targets/target.ts';

const url = (e: Endpoint) => ('url' in e ? e.url : `unavailable: ${e.unavailable}`);

const settings = { KAFKA_PORT: '29192', PROMETHEUS_PORT: '19190', DEMO_PORT: '18100', GRAFANA_PORT: '13000' };

test('native: the endpoints are the ports the Kafka and Prometheus processes get', () => {
  const ep = nativeTarget(settings).endpoints();
  assert.is(url(ep.kafka), kafkaBootstrap(kafkaSettings(settings)));
  assert.is(url(ep.prometheus), `http://127.0.0.1:${metricsPorts(settings).prometheus}`);
  assert.is(url(ep.prometheus), 'http://127.0.0.1:19190');
  assert.is(url(ep.demo), 'http://127.0.0.1:18100');
});

test('k3d and compose: host ports from the settings', () => {
  assert.equal(k3dTarget(settings).endpoints().grafana, { url: 'http://127.0.0.1:13000' });
  assert.equal(composeTarget(settings).endpoints().prometheus, { url: 'http://127.0.0.1:19190' });
  assert.equal(
    composeTarget({}).endpoints().prometheus,
    { url: 'http://127.0.0.1:9090' },
    'defaults without settings',
  );
});

test.run();
