// The compose target: Docker Compose with the same components as k3d (seed task 0-7).
import type { PlatformContext } from '../context.ts';
import { unavailable, type Target } from './target.ts';

export function composeTarget(): Target<PlatformContext> {
  return {
    name: 'compose',
    describe: 'Docker Compose: Redpanda, Prometheus, Grafana, Loki, Tempo, Alloy',
    endpoints: () => ({
      kafka: { url: '127.0.0.1:19092' },
      prometheus: unavailable('compose target not wired yet'),
      otlpGrpc: unavailable('compose target not wired yet'),
      traceQuery: unavailable('compose target not wired yet'),
      grafana: unavailable('compose target not wired yet'),
      loki: unavailable('compose target not wired yet'),
      tempo: unavailable('compose target not wired yet'),
      demo: unavailable('compose target not wired yet'),
    }),
    components: {},
    tools: [],
  };
}
