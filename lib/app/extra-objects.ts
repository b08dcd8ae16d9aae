/**
 * `extraObjects`: any other namespaced Kubernetes objects, given in values, in both outputs (as
 * Bitnami's `extraDeploy`). Each goes to the release namespace with the chart's labels beside its own
 * (instance, part-of, managed-by, and helm.sh/chart in Helm) and the values' commonLabels and
 * commonAnnotations (its own win), never the selector's name label, so that
 * no Service or policy of the chart selects what it did not declare. Not a TemplatedObject: a list of
 * whole objects from values is one template that ranges over them (Go) and one file per object in
 * the plain manifests, `extra-<kind>-<name>.yaml`.
 * An object that shares kind and name with one of the chart's own is refused in synth (with its
 * values location) and in Helm (a `fail` generated from the chart's objects: `clashTemplate`).
 */
import type { ChartObject } from '../chart/release';
import { Expr, type GoContext, type Scope } from '../template/expr';
import type { AppValues } from '../values/schema';

/** The labels the chart sets on every extra object; values may not set them (lib/values/app-rules.ts). */
export const EXTRA_OBJECT_LABELS = ['app.kubernetes.io/instance', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by', 'helm.sh/chart'] as const;

type ExtraObject = AppValues['extraObjects'][number];

/** The file of an extra object in the plain manifests (lowercase kind and name: stable, unique per kind and name). */
function fileOf(object: ExtraObject): string {
  return `extra-${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
}

/** The extra objects of one release, as the plain manifests hold them (the Helm template renders the same). */
export function renderExtraObjects(scope: Scope): { template: string; object: Record<string, unknown>; index: number }[] {
  const v = scope.values as AppValues;
  return v.extraObjects.map((object, index) => {
    // commonAnnotations beside the object's own (which win), when there are any: Go's merge of two empty maps writes none either.
    const annotations = { ...v.commonAnnotations, ...object.metadata.annotations };
    return {
      template: fileOf(object),
      index,
      object: {
        ...object,
        metadata: {
          ...object.metadata,
          namespace: scope.release.namespace,
          labels: {
            ...v.commonLabels,
            ...object.metadata.labels,
            'app.kubernetes.io/instance': scope.release.name,
            'app.kubernetes.io/part-of': v.partOf,
            'app.kubernetes.io/managed-by': scope.release.service,
          },
          ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
        },
      },
    };
  });
}

/** templates/extra-objects.yaml: each of `extraObjects`, with the release namespace and the chart's labels. */
export function extraObjectsTemplate(chart: string): string {
  return `{{- /* extraObjects from values (lib/app/extra-objects.ts): in the release namespace, with the chart's labels. */}}
{{- range $object := .Values.extraObjects }}
{{- $labels := merge (dict "app.kubernetes.io/instance" $.Release.Name "app.kubernetes.io/part-of" $.Values.partOf "app.kubernetes.io/managed-by" $.Release.Service "helm.sh/chart" (include "${chart}.chart" $)) (default (dict) $object.metadata.labels) (default (dict) $.Values.commonLabels) }}
{{- $annotations := merge (dict) (default (dict) $object.metadata.annotations) (default (dict) $.Values.commonAnnotations) }}
{{- $metadata := merge (dict "namespace" $.Release.Namespace "labels" $labels) (omit $object.metadata "labels" "annotations") }}
{{- if $annotations }}{{ $_ := set $metadata "annotations" $annotations }}{{ end }}
---
{{ toYaml (merge (dict "metadata" $metadata) (omit $object "metadata")) }}
{{- end }}
`;
}

/** kind and name of the chart's objects in a release (the Helm-only ones too: a test hook's name is taken as well). */
function chartIdentities(objects: readonly ChartObject[]): { kind: string; name: Expr | string; path: string }[] {
  return objects.flatMap((o) => {
    const manifest = o.manifest as { kind?: unknown; metadata?: { name?: unknown } };
    const name = manifest.metadata?.name;
    return typeof manifest.kind === 'string' && (typeof name === 'string' || name instanceof Expr) ? [{ kind: manifest.kind, name, path: o.template }] : [];
  });
}

/** Extra objects of a release that share kind and name with one of the chart's objects: values path and message. */
export function extraObjectClashes(objects: readonly ChartObject[], scope: Scope): { path: (string | number)[]; message: string }[] {
  const taken = new Map(chartIdentities(objects).map(({ kind, name, path }) => [`${kind}/${name instanceof Expr ? name.evaluate(scope) : name}`, path]));
  return (scope.values as AppValues).extraObjects.flatMap((object, i) => {
    const file = taken.get(`${object.kind}/${object.metadata.name}`);
    return file === undefined ? [] : [{ path: ['extraObjects', i, 'metadata', 'name'], message: `${object.kind} ${object.metadata.name} is already an object of the chart (${file})` }];
  });
}

/** The same refusal in Go, templates/validate-extra-objects.yaml: one check per object of the chart. */
export function clashTemplate(objects: readonly ChartObject[], go: GoContext): string {
  const checks = chartIdentities(objects).map(
    ({ kind, name, path }) => `{{- if and (eq $object.kind ${JSON.stringify(kind)}) (eq $object.metadata.name ${typeof name === 'string' ? JSON.stringify(name) : name.goText(go)}) }}
{{- fail (printf "extraObjects[%d].metadata.name: %s %s is already an object of the chart (${path})" $i $object.kind $object.metadata.name) }}
{{- end }}`,
  );
  return `{{- /*
extraObjects that share kind and name with an object of this chart are refused, as synth refuses them
(generated from the chart's objects by lib/app/extra-objects.ts). Renders nothing.
*/}}
{{- range $i, $object := .Values.extraObjects }}
${checks.join('\n')}
{{- end }}
`;
}
