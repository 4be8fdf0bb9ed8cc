// The k3d cluster's names, in a leaf so the target and its checks share them without a cycle.
/** metadata.name in manifests/k3d/cluster.yaml (a unit test keeps them equal). */
export const CLUSTER = 'example-app';
export const CONTEXT = `k3d-${CLUSTER}`;
export const CLUSTER_CONFIG = 'manifests/k3d/cluster.yaml';
