/**
 * The node agents (node-exporter, Alloy) run with hostNetwork, hostPID and hostPath mounts, so their
 * namespace (`nodeNamespace`) is labelled Pod Security "privileged" (namespaces.ts). It must be a
 * namespace of its own: the monitoring namespace itself would lose "restricted" for Prometheus, Grafana
 * and the rest of the stack (synth also made two Namespace objects of one name, and refused that
 * without a file or line). Written twice, side by side: synth's check (located in the values files) and
 * the chart's (validate-values.yaml, against the release namespace), with the same words.
 */
import type { SchemaProblem } from '../../values/schema-check';

const message = (namespace: string) =>
  `expected a namespace of its own, not the monitoring stack's (${namespace}): the node agents run with hostNetwork in a namespace labelled Pod Security "privileged", which would lift "restricted" from the whole stack`;

/** The problem of `nodeNamespace` when it is the stack's namespace. */
export function nodeNamespaceProblems(values: { readonly nodeNamespace?: unknown }, namespace: string | undefined): SchemaProblem[] {
  return namespace !== undefined && values.nodeNamespace === namespace ? [{ path: ['nodeNamespace'], message: message(namespace) }] : [];
}

/** The same rule in the monitoring chart's templates/validate-values.yaml (the stack runs in the release namespace). */
export const NODE_NAMESPACE_RULE = `{{- if eq .Values.nodeNamespace .Release.Namespace }}
{{- fail (printf "nodeNamespace: ${message('%s').replace(/"/g, '\\"')}" .Release.Namespace) }}
{{- end }}
`;
