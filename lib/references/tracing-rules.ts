/**
 * Cross-field rules of `tracing` (the form of lib/values/app-rules.ts: TypeScript and Go side by side,
 * the same words in synth and Helm). Synth writes `endpoint` and `egress` from `collector`
 * (lib/references/tracing.ts); a chart used with Helm alone gets them as values, and refuses tracing
 * without a collector's address, or without the network the policies must open for it (the pods would
 * export into a default-deny NetworkPolicy and every span would be lost without a word).
 */
import type { AppRule } from '../values/rule';

const NO_COLLECTOR = 'required when tracing.enabled: one of the environment’s prerequisites.traceCollectors or monitoring; or tracing.enabled: false';
const HELM_ALONE = 'collectors are resolved by npm run synth (it writes tracing.endpoint and tracing.egress from the environment’s prerequisites.traceCollectors); with Helm alone, give those instead';
const NO_EGRESS = 'required with tracing.enabled and networkPolicy.enabled: the collector’s port and its pods (namespaceLabels, podLabels) or network (cidr), which the NetworkPolicies admit and nothing else';
const ONE_PEER = 'expected exactly one of cidr (outside the cluster) or namespaceLabels (in the cluster)';

export const TRACING_RULES: readonly AppRule[] = [
  {
    check: (v, report) => {
      const t = v.tracing;
      // In synth a collector is resolved after these rules; a chart only ever sees it resolved.
      if (t.enabled && t.endpoint === undefined && t.collector === undefined) report(['tracing', 'collector'], NO_COLLECTOR);
    },
    go: `{{- with .Values.tracing }}
{{- if and .enabled (not .endpoint) }}
{{- if .collector }}
{{- fail "tracing.collector: ${HELM_ALONE}" }}
{{- end }}
{{- fail "tracing.collector: ${NO_COLLECTOR}" }}
{{- end }}
{{- end }}`,
  },
  {
    // Synth refuses endpoint and egress in values/ altogether (they come from the collector: tracing.ts),
    // and writes them well-formed; only a chart given them with Helm alone needs this rule.
    check: () => undefined,
    go: `{{- with .Values.tracing }}
{{- if and .enabled .endpoint $.Values.networkPolicy.enabled (not .egress) }}
{{- fail "tracing.egress: ${NO_EGRESS}" }}
{{- end }}
{{- with .egress }}
{{- if eq (hasKey . "cidr") (hasKey . "namespaceLabels") }}
{{- fail "tracing.egress: ${ONE_PEER}" }}
{{- else if and (hasKey . "podLabels") (not (hasKey . "namespaceLabels")) }}
{{- fail "tracing.egress.podLabels: podLabels only apply with namespaceLabels" }}
{{- end }}
{{- end }}
{{- end }}`,
  },
];
