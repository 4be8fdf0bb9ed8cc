// The native consumer-lag exporter when the broker does not answer: it still serves /metrics
// (so Prometheus shows the target up and the reason in its own series), reports
// kafka_lag_exporter_up 0 and no lag series, rather than stale or invented numbers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../tasks/ports.ts';
import { serve } from '../../tasks/targets/native/lag-exporter/exporter.ts';

test('no broker: kafka_lag_exporter_up 0, no lag series, kafka_brokers 0', async () => {
  const deadPort = await freePort(); // nothing listens here
  const port = await freePort();
  const exporter = await serve({ bootstrap: `127.0.0.1:${deadPort}`, port });
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.is(res.status, 200);
    const text = await res.text();
    assert.match(text, /^kafka_lag_exporter_up 0$/m);
    assert.match(text, /^kafka_brokers 0$/m);
    assert.not.match(text, /^kafka_consumergroup_lag\{/m);
    assert.match(text, /^# TYPE kafka_consumergroup_lag gauge$/m); // metadata still there for the export check
    assert.is((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
  } finally {
    await exporter.close();
  }
});

test.run();
