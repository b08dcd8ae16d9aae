{{/*
Helpers of the worker chart. Generated from lib/app/names.ts, which renders the same names in
JavaScript for the plain manifests.
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "worker.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: fullnameOverride, else the release name when it contains the chart name, else
"<release>-<chart>"; at most 63 characters (the DNS label limit).
*/}}
{{- define "worker.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "worker.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* ServiceAccount the pods run as. */}}
{{- define "worker.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "worker.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Selector labels, as helm create names them, for templates of your own: the same as the chart's
objects use (selectorLabels in lib/app/names.ts); never change them between versions.
*/}}
{{- define "worker.selectorLabels" -}}
app.kubernetes.io/name: {{ include "worker.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Common labels, as helm create names them: the same as every object of the chart carries (commonLabels). */}}
{{- define "worker.labels" -}}
{{ include "worker.selectorLabels" . }}
app.kubernetes.io/version: {{ (regexReplaceAll "[^A-Za-z0-9]+$" (regexReplaceAll "^[^A-Za-z0-9]+" (trunc 63 .Values.image.tag) "") "") | quote }}
app.kubernetes.io/component: {{ .Values.component }}
app.kubernetes.io/part-of: {{ .Values.partOf }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "worker.chart" . }}
{{- end }}

{{/* A Kubernetes quantity (250m, 1.5, 512Mi) as a number: the same as lib/values/quantity.ts. */}}
{{- define "worker.quantity" -}}
{{- $text := include "worker.str" . -}}
{{- $number := regexFind "^[0-9]+([.][0-9]+)?" $text -}}
{{- $factors := dict "" 1.0 "n" 1e-9 "u" 1e-6 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- mulf (float64 $number) (get $factors (trimPrefix $number $text)) -}}
{{- end }}

{{/* "true" when a quantity is in the canonical form the API server stores (lib/values/quantity-rules.ts). */}}
{{- define "worker.isCanonicalQuantity" -}}
{{- $q := include "worker.str" . -}}
{{- if eq $q "0" -}}true
{{- else if regexMatch "^[1-9][0-9]*(Ki|Mi|Gi|Ti|Pi|Ei)$" $q -}}
{{- if or (hasSuffix "Ei" $q) (ne (mod (int64 (regexFind "^[0-9]+" $q)) 1024) 0) }}true{{ end -}}
{{- else if regexMatch "^[1-9][0-9]*(n|u|m|k|M|G|T|P|E)?$" $q -}}
{{- if or (hasSuffix "E" $q) (ne (mod (int64 (regexFind "^[0-9]+" $q)) 1000) 0) }}true{{ end -}}
{{- end -}}
{{- end }}

{{/* The canary's steps (lib/delivery/canary-steps.ts): setWeight and analysis for each phase, as JSON. */}}
{{- define "worker.canarySteps" -}}
{{- $root := index . 0 }}
{{- $templateName := index . 1 }}
{{- $steps := list }}
{{- range $phase := $root.Values.rollout.canary.phases }}
{{- $steps = append $steps (dict "setWeight" $phase.weight) }}
{{- $args := list (dict "name" "namespace" "valueFrom" (dict "fieldRef" (dict "fieldPath" "metadata.namespace"))) (dict "name" "canary-hash" "valueFrom" (dict "podTemplateHashValue" "Latest")) }}
{{- $args = append $args (dict "name" "count" "value" (include "worker.str" (add1 $phase.minutes))) }}
{{- $args = append $args (dict "name" "minutes" "value" (include "worker.str" $phase.minutes)) }}
{{- $args = append $args (dict "name" "max-error-ratio" "value" (toJson $phase.maxErrorRatio)) }}
{{- $args = append $args (dict "name" "max-p95-seconds" "value" (toJson $phase.maxP95Seconds)) }}
{{- $steps = append $steps (dict "analysis" (dict "templates" (list (dict "templateName" $templateName)) "args" $args)) }}
{{- end }}
{{- toJson $steps }}
{{- end }}

{{/* Whether the migration reads a Secret: (list secretEnv envFrom name pullSecrets) (lib/secrets/migration-copies.ts). */}}
{{- define "worker.migrationReads" -}}
{{- $name := index . 2 -}}
{{- $reads := false -}}
{{- range index . 0 }}{{ if eq .secretName $name }}{{ $reads = true }}{{ end }}{{ end -}}
{{- range index . 1 }}{{ if and .secretRef (eq .secretRef.name $name) }}{{ $reads = true }}{{ end }}{{ end -}}
{{- if has $name (index . 3) }}{{ $reads = true }}{{ end -}}
{{- $reads -}}
{{- end }}

{{/* The annotations not under nginx.ingress.kubernetes.io/, as JSON (lib/traffic/annotations.ts routeAnnotations). */}}
{{- define "worker.routeAnnotations" -}}
{{- $out := dict -}}
{{- range $key, $value := . }}{{ if not (hasPrefix "nginx.ingress.kubernetes.io/" $key) }}{{ $_ := set $out $key $value }}{{ end }}{{ end -}}
{{- toJson $out -}}
{{- end }}

{{/* A value as text: numbers as JSON writes them (31536000, not 3.1536e+07), anything else as is. */}}
{{- define "worker.str" -}}
{{- if kindIs "float64" . }}{{ toJson . }}{{ else }}{{ . }}{{ end }}
{{- end }}

{{/*
Quantities as text, in a map of quantities or of maps of them (resources: requests and limits), as JSON:
`cpu: 2` becomes "2" (lib/template/functions.ts quantities).
*/}}
{{- define "worker.quantities" -}}
{{- $out := dict -}}
{{- range $key, $value := . }}
{{- if kindIs "map" $value }}{{ $_ := set $out $key (include "worker.quantities" $value | fromJson) }}
{{- else }}{{ $_ := set $out $key (include "worker.str" $value) }}{{ end }}
{{- end -}}
{{- toJson $out -}}
{{- end }}

{{/* A map as a list of {"name", "value"} in key order, as JSON (lib/template/functions.ts nameValueList). */}}
{{- define "worker.nameValueList" -}}
{{- $out := list -}}
{{- range $name, $value := . }}{{ $out = append $out (dict "name" $name "value" $value) }}{{ end -}}
{{- toJson $out -}}
{{- end }}

{{/* The items of a list of objects with one of the given fields set, as JSON (lib/template/functions.ts itemsWith). */}}
{{- define "worker.itemsWith" -}}
{{- $out := list -}}
{{- $fields := index . 1 -}}
{{- range $item := index . 0 }}{{ $keep := false }}{{ range $field := $fields }}{{ if index $item $field }}{{ $keep = true }}{{ end }}{{ end }}{{ if $keep }}{{ $out = append $out $item }}{{ end }}{{ end -}}
{{- toJson $out -}}
{{- end }}

{{/*
The values the model requires and the chart gives defaults for, still there after Helm's merge (a
null removes a default): generated from the values schema by lib/helm/schema-defaults.ts.
*/}}
{{- define "worker.requireValues" -}}
{{- $values := index . 0 -}}
{{- $required := index . 1 -}}
{{- $path := index . 2 -}}
{{- range $entry, $inner := $required }}
{{- $key := trimPrefix "?" $entry }}
{{- if hasKey $values $key }}
{{- $value := index $values $key }}
{{- if and $inner (kindIs "map" $value) }}{{ include "worker.requireValues" (list $value $inner (printf "%s%s." $path $key)) }}{{ end }}
{{- else if not (hasPrefix "?" $entry) }}
{{- fail (printf "%s%s: required value is missing (null removes the chart’s default)" $path $key) }}
{{- end }}
{{- end }}
{{- end }}
