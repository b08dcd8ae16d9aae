/**
 * The namespaces of the cluster itself, which no chart may own (write, label or prune): the API
 * server creates them and refuses to delete them (k8s.io/apiserver pkg/admission/plugin/namespace/lifecycle,
 * immortalNamespaces: default, kube-system, kube-public; kube-node-lease holds the nodes' heartbeats).
 */
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];
