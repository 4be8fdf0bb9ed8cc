// The k3d cluster's names, in a leaf so the target and its checks share them without a cycle.
/** metadata.name in manifests/k3d/cluster.yaml (a unit test keeps them equal). */
export const CLUSTER = 'example-app';
export const CONTEXT = `k3d-${CLUSTER}`;
export { K3D_CLUSTER_CONFIG as CLUSTER_CONFIG } from '../../config/docker-files.ts';
