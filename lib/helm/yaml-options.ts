/**
 * Options for YAML that Helm reads. Helm parses values as YAML 1.1, where yes, no, on, off and y are
 * booleans: writing as 1.1 quotes such strings, so they stay strings. No line folding.
 */
export const YAML_FOR_HELM = { version: '1.1', lineWidth: 0 } as const;
