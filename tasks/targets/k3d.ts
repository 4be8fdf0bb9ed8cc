// The k3d target: a k3d cluster, Redpanda as a StatefulSet, kube-prometheus-stack, Loki, Tempo by Helm.
import type { PlatformContext } from '../context.ts';
import { unavailable, type Target } from './target.ts';

export function k3dTarget(): Target<PlatformContext> {
  return {
    name: 'k3d',
    describe: 'k3d cluster: Redpanda StatefulSet, kube-prometheus-stack, Loki, Tempo (Helm)',
    endpoints: () => ({
      kafka: { url: '127.0.0.1:19092' },
      prometheus: unavailable('k3d target not wired yet'),
      otlpGrpc: unavailable('k3d target not wired yet'),
      traceQuery: unavailable('k3d target not wired yet'),
      grafana: unavailable('k3d target not wired yet'),
      loki: unavailable('k3d target not wired yet'),
      tempo: unavailable('k3d target not wired yet'),
      demo: unavailable('k3d target not wired yet'),
    }),
    components: {},
    tools: [],
  };
}
