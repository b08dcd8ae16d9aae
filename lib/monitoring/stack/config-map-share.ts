/**
 * What the values write into a ConfigMap of the monitoring stack fits it: the API server refuses a
 * ConfigMap whose data is over 1 MiB (k8s.io/kubernetes/pkg/apis/core/validation ValidateConfigMap,
 * api.MaxSecretSize), and each values file, though at most 1 MiB itself, is written there with the
 * stack's own content and beside what other files give. A rule of this kind measures the text the values
 * make, in synth and in the chart (the same named template), against the ConfigMap's 1 MiB less the room
 * kept for the stack's own part (each budget held by a test on the shipped environments).
 */
import type { MonitoringRule } from '../../values/api-server-rules';

/** 1 MiB: the most a ConfigMap's data holds. */
const MAX_CONFIG_MAP_BYTES = 1024 * 1024;

export interface ConfigMapShare {
  /** Values path reported (within the monitoring chart's values). */
  readonly path: readonly string[];
  /** What the values write, for the message, e.g. "the rules written in values (...)". */
  readonly what: string;
  /** The file it makes and the ConfigMap holding it, e.g. "a rule file", "prometheus-rules". */
  readonly file: string;
  readonly configMap: string;
  /** The stack's own part of that ConfigMap, e.g. "the built-in alerts", and the bytes kept for it. */
  readonly builtIn: string;
  readonly budget: number;
  /** The bytes of the text the values make, in synth. */
  readonly size: (values: unknown) => number;
  /** The same, in Go over `.Values` (an int expression). */
  readonly goSize: string;
}

/** The rule of one share (synth and chart, the same words). */
export function configMapShareRule(share: ConfigMapShare): MonitoringRule {
  const limit = MAX_CONFIG_MAP_BYTES - share.budget;
  const message = (size: string) =>
    `${share.what} make ${share.file} of ${size} bytes; the ConfigMap ${share.configMap} holds it beside ${share.builtIn} and is at most ${MAX_CONFIG_MAP_BYTES} bytes (1 MiB), ${share.budget} of them kept for ${share.builtIn}: at most ${limit}`;
  const variable = `$${share.configMap.replace(/[^a-zA-Z0-9]/g, '')}Size`;
  return {
    check: (values, report) => {
      const size = share.size(values);
      if (size > limit) report([...share.path], message(String(size)));
    },
    go: `{{- ${variable} := ${share.goSize} }}
{{- if gt ${variable} ${limit} }}
{{- fail (printf ${JSON.stringify(`${share.path.join('.')}: ${message('%d')}`)} ${variable}) }}
{{- end }}`,
  };
}
