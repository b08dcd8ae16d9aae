{{/*
Helpers of the monitoring chart. Generated from lib/monitoring/stack/common.ts, which renders the same
names in JavaScript for the plain manifests.
*/}}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "monitoring.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Interpolated text (lib/template/text.ts): fails unless a list or map value has the shape the chart was generated for. */}}
{{- define "monitoring.expectShape" -}}
{{- $value := index . 0 -}}
{{- $shape := "" -}}
{{- if kindIs "slice" $value -}}
{{- $shape = printf "%d items" (len $value) -}}
{{- else if kindIs "map" $value -}}
{{- $shape = printf "keys %s" (keys $value | sortAlpha | join ", ") -}}
{{- end -}}
{{- if ne $shape (index . 1) -}}
{{- fail (printf "%s: expected %s, got %s (generated configuration has this shape: change values/ and synthesize again)" (index . 2) (index . 1) $shape) -}}
{{- end -}}
{{- end }}

{{/* Interpolated text with variants (lib/template/text.ts): the shape of a list or map value, as expectShape writes it. */}}
{{- define "monitoring.shapeOf" -}}
{{- if kindIs "slice" . -}}
{{- printf "%d items" (len .) -}}
{{- else if kindIs "map" . -}}
{{- printf "keys %s" (keys . | sortAlpha | join ", ") -}}
{{- end -}}
{{- end }}

{{/* Precomputed text (lib/template/text.ts): the text generated for these input values, or fail. */}}
{{- define "monitoring.precomputedText" -}}
{{- $text := get (index . 0) (index . 1) -}}
{{- if not $text -}}
{{- fail (printf "%s: these values match none of the environments the chart was generated for (the text is computed from them in TypeScript): change values/ and synthesize again" (index . 2)) -}}
{{- end -}}
{{- $text -}}
{{- end }}

{{/* Interpolated text: a value written inside a multi-line text, which must be a single line. */}}
{{- define "monitoring.line" -}}
{{- $text := include "monitoring.str" (index . 0) -}}
{{- if regexMatch "[\r\n]" $text -}}
{{- fail (printf "%s: expected a single line (it is written inside a multi-line text)" (index . 1)) -}}
{{- end -}}
{{- $text -}}
{{- end }}

{{/* Alert thresholds that must be below others (lib/monitoring/rules/thresholds.ts), which a values schema cannot say. */}}
{{- define "monitoring.thresholdOrder" -}}
{{- $alerts := index . 0 -}}
{{- range (index . 1) -}}
{{- if not (lt (float64 (index $alerts (index . 0))) (float64 (index $alerts (index . 1)))) -}}
{{- fail (printf "alerts.%s must be below alerts.%s" (index . 0) (index . 1)) -}}
{{- end -}}
{{- end -}}
{{- end }}

{{/* The monitored entries of a map of objects, reduced to the given fields, as JSON (lib/monitoring/stack/expressions.ts pickMonitored). */}}
{{- define "monitoring.alertmanagerPodUrls" -}}
{{- $urls := list -}}
{{- range $i := until (int (index . 0)) }}{{ $urls = append $urls (printf "http://alertmanager-%d.%s%s" $i (index $ 1) (index $ 2)) }}{{ end -}}
{{- join "," $urls -}}
{{- end }}

{{/* The monitored entries of a map of objects, reduced to the given fields, as JSON (pickMonitored). */}}
{{- define "monitoring.pickMonitored" -}}
{{- $out := dict -}}
{{- range $key, $entry := index . 0 }}{{ if $entry.monitored }}{{ $picked := dict }}{{ range $field := index $ 1 }}{{ $_ := set $picked $field (index $entry $field) }}{{ end }}{{ $_ := set $out $key $picked }}{{ end }}{{ end -}}
{{- toJson $out -}}
{{- end }}

{{/* Rules written in values, one group per line as JSON (lib/monitoring/rules/extra-rules.ts). */}}
{{- define "monitoring.extraRules.rule" -}}
{{- $rule := index . 0 -}}
{{- if hasKey $rule "alert" -}}
{{- $labels := merge (dict "priority" $rule.priority "severity" (get (dict "P0" "critical" "P1" "warning" "P2" "info") $rule.priority) "component" (default (index . 1) $rule.component) "environment" (index . 2)) (deepCopy (default (dict) $rule.labels)) -}}
{{- $rule = set (omit $rule "priority" "component" "labels") "labels" $labels -}}
{{- end -}}
{{- toJson $rule -}}
{{- end }}
{{- define "monitoring.extraRules" -}}
{{- $environment := index . 2 -}}
{{- $groups := list -}}
{{- range $group := index . 0 -}}
{{- $rules := list -}}
{{- range $rule := $group.rules }}{{ $rules = append $rules (include "monitoring.extraRules.rule" (list $rule "infrastructure" $environment) | fromJson) }}{{ end -}}
{{- $groups = append $groups (set (omit $group "rules") "rules" $rules) -}}
{{- end -}}
{{- range $name, $app := index . 1 -}}
{{- if and $app.monitored $app.rules -}}
{{- $rules := list -}}
{{- range $rule := $app.rules }}{{ $rules = append $rules (include "monitoring.extraRules.rule" (list $rule "application" $environment) | fromJson) }}{{ end -}}
{{- $groups = append $groups (dict "name" (printf "application.%s" $name) "rules" $rules) -}}
{{- end -}}
{{- end -}}
{{- if not $groups }}groups: []
{{ else }}groups:
{{ range $groups }}  - {{ toJson . }}
{{ end }}{{ end -}}
{{- end }}

{{/* Items of a YAML list, one per line as JSON (lib/monitoring/stack/extra-scrape-configs.ts). */}}
{{- define "monitoring.jsonListItems" -}}
{{- range . }}  - {{ toJson . }}
{{ end -}}
{{- end }}
{{/* A Prometheus duration in milliseconds, or "invalid" (lib/monitoring/stack/extra-scrape-configs.ts durationMs). */}}
{{- define "monitoring.prometheusDurationMs" -}}
{{- $text := toString . -}}
{{- if eq $text "0" -}}0
{{- else if and (ne $text "") (regexMatch "^([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$" $text) -}}
{{- $ms := 0 -}}
{{- range $part := regexFindAll "[0-9]+(ms|y|w|d|h|m|s)" $text -1 -}}
{{- $unit := regexFind "[a-z]+$" $part -}}
{{- $ms = add $ms (mul (int64 (trimSuffix $unit $part)) (get (dict "y" 31536000000 "w" 604800000 "d" 86400000 "h" 3600000 "m" 60000 "s" 1000 "ms" 1) $unit)) -}}
{{- end -}}
{{- $ms -}}
{{- else -}}invalid
{{- end -}}
{{- end }}

{{/* A rule file without the alerts switched off (lib/monitoring/stack/composed-text.ts withoutDisabledAlerts). */}}
{{- define "monitoring.withoutDisabledAlerts" -}}
{{- $text := index . 0 -}}
{{- $disabled := default (dict) (index . 1) -}}
{{- $any := false -}}
{{- range $name, $off := $disabled }}{{ if eq $off true }}{{ $any = true }}{{ end }}{{ end -}}
{{- if not $any -}}
{{- $text -}}
{{- else -}}
{{- $parts := splitList "\n  - name: " $text -}}
{{- $kept := list (first $parts) -}}
{{- range $group := rest $parts -}}
{{- $rules := splitList "\n      - " $group -}}
{{- $enabled := list -}}
{{- range $rule := rest $rules -}}
{{- $name := regexFind "^alert: [A-Za-z0-9_]+" $rule | trimPrefix "alert: " -}}
{{- if not (and $name (eq (dig $name false $disabled) true)) }}{{ $enabled = append $enabled $rule }}{{ end -}}
{{- end -}}
{{- if $enabled }}{{ $kept = append $kept (join "\n      - " (prepend $enabled (first $rules))) }}{{ end -}}
{{- end -}}
{{- if eq (len $kept) 1 -}}
groups: []
{{ else -}}
{{- $joined := join "\n  - name: " $kept -}}
{{- $joined -}}{{- if not (hasSuffix "\n" $joined) }}
{{ end -}}
{{- end -}}
{{- end -}}
{{- end }}

{{/* "true" when a quantity is in the canonical form the API server stores (lib/values/quantity-rules.ts). */}}
{{- define "monitoring.isCanonicalQuantity" -}}
{{- $q := include "monitoring.str" . -}}
{{- if eq $q "0" -}}true
{{- else if regexMatch "^[1-9][0-9]*(Ki|Mi|Gi|Ti|Pi|Ei)$" $q -}}
{{- if or (hasSuffix "Ei" $q) (ne (mod (int64 (regexFind "^[0-9]+" $q)) 1024) 0) }}true{{ end -}}
{{- else if regexMatch "^[1-9][0-9]*(n|u|m|k|M|G|T|P|E)?$" $q -}}
{{- if or (hasSuffix "E" $q) (ne (mod (int64 (regexFind "^[0-9]+" $q)) 1000) 0) }}true{{ end -}}
{{- end -}}
{{- end }}

{{/* A Kubernetes quantity (250m, 1.5, 512Mi) as a number: the same as lib/values/quantity.ts. */}}
{{- define "monitoring.quantity" -}}
{{- $text := include "monitoring.str" . -}}
{{- $number := regexFind "^[0-9]+([.][0-9]+)?" $text -}}
{{- $factors := dict "" 1.0 "n" 1e-9 "u" 1e-6 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- mulf (float64 $number) (get $factors (trimPrefix $number $text)) -}}
{{- end }}

{{/* A value as text: numbers as JSON writes them (31536000, not 3.1536e+07), anything else as is. */}}
{{- define "monitoring.str" -}}
{{- if kindIs "float64" . }}{{ toJson . }}{{ else }}{{ . }}{{ end }}
{{- end }}

{{/*
Quantities as text, in a map of quantities or of maps of them (resources: requests and limits), as JSON:
`cpu: 2` becomes "2" (lib/template/functions.ts quantities).
*/}}
{{- define "monitoring.quantities" -}}
{{- $out := dict -}}
{{- range $key, $value := . }}
{{- if kindIs "map" $value }}{{ $_ := set $out $key (include "monitoring.quantities" $value | fromJson) }}
{{- else }}{{ $_ := set $out $key (include "monitoring.str" $value) }}{{ end }}
{{- end -}}
{{- toJson $out -}}
{{- end }}

{{/* A map as a list of {"name", "value"} in key order, as JSON (lib/template/functions.ts nameValueList). */}}
{{- define "monitoring.nameValueList" -}}
{{- $out := list -}}
{{- range $name, $value := . }}{{ $out = append $out (dict "name" $name "value" $value) }}{{ end -}}
{{- toJson $out -}}
{{- end }}

{{/* The items of a list of objects with one of the given fields set, as JSON (lib/template/functions.ts itemsWith). */}}
{{- define "monitoring.itemsWith" -}}
{{- $out := list -}}
{{- $fields := index . 1 -}}
{{- range $item := index . 0 }}{{ $keep := false }}{{ range $field := $fields }}{{ if index $item $field }}{{ $keep = true }}{{ end }}{{ end }}{{ if $keep }}{{ $out = append $out $item }}{{ end }}{{ end -}}
{{- toJson $out -}}
{{- end }}

{{/*
The values the model requires and the chart gives defaults for, still there after Helm's merge (a
null removes a default): generated from the values schema by lib/helm/schema-defaults.ts.
*/}}
{{- define "monitoring.requireValues" -}}
{{- $values := index . 0 -}}
{{- $required := index . 1 -}}
{{- $path := index . 2 -}}
{{- range $entry, $inner := $required }}
{{- $key := trimPrefix "?" $entry }}
{{- if hasKey $values $key }}
{{- $value := index $values $key }}
{{- if and $inner (kindIs "map" $value) }}{{ include "monitoring.requireValues" (list $value $inner (printf "%s%s." $path $key)) }}{{ end }}
{{- else if not (hasPrefix "?" $entry) }}
{{- fail (printf "%s%s: required value is missing (null removes the chart’s default)" $path $key) }}
{{- end }}
{{- end }}
{{- end }}
