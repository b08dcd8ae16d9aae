/**
 * Names and labels of an application chart, as `helm create` defines them in _helpers.tpl.
 * Each named template exists twice, in Go (helpersTemplate) and in JavaScript (the Include
 * implementations); the Helm equivalence tests hold them equal.
 */
import { Include, type Scope, fmt, release } from '../template/expr';
import { type Refs, spread } from '../template/manifest';
import { labelValue, labelValueGo } from '../template/label-value';
import type { FullnameSuffix, NameLabelSuffix } from '../values/name-budget';
import type { AppValues } from '../values/schema';
import { chartLabel } from '../chart/chart-label';
import { helmOnly } from '../chart/templated-object';

function values(scope: Scope): AppValues {
  return scope.values as AppValues;
}

function trunc63(name: string): string {
  return name.slice(0, 63).replace(/-+$/, '');
}

function chartName(scope: Scope): string {
  return containerNameOf(scope.chart.name, values(scope));
}

/**
 * The name (`<chart>.name`: the chart name or nameOverride, at most 63 characters) of chart `chart`
 * released with values `v`; also the name of the application's container.
 */
export function containerNameOf(chart: string, v: Pick<AppValues, 'nameOverride'>): string {
  return trunc63(v.nameOverride || chart);
}

function fullname(scope: Scope): string {
  return fullnameOf(scope.release.name, scope.chart.name, values(scope));
}

/**
 * The full name (`<chart>.fullname`) of chart `chart` released as `releaseName` with values `v`:
 * fullnameOverride, else the release name when it contains the chart name (or nameOverride), else
 * `<release>-<name>`; at most 63 characters.
 */
export function fullnameOf(releaseName: string, chart: string, v: Pick<AppValues, 'nameOverride' | 'fullnameOverride'>): string {
  if (v.fullnameOverride) return trunc63(v.fullnameOverride);
  const name = v.nameOverride || chart;
  return releaseName.includes(name) ? trunc63(releaseName) : trunc63(`${releaseName}-${name}`);
}

export const names = {
  name: new Include('name', chartName),
  fullname: new Include('fullname', fullname),
  chart: chartLabel,
  serviceAccountName: new Include('serviceAccountName', (s) => {
    const sa = values(s).serviceAccount;
    return sa.create ? sa.name || fullname(s) : sa.name || 'default';
  }),
};

/** `<fullname>-<suffix>`, for the objects that come in several per release (suffixes: name-budget.ts, which keeps them within 63 characters). */
export function nameWith(suffix: FullnameSuffix) {
  return fmt`${names.fullname}-${suffix}`;
}

/** `<name>-<suffix>`, the `app.kubernetes.io/name` label of a helper pod (suffixes: name-budget.ts). */
export function nameLabelWith(suffix: NameLabelSuffix) {
  return fmt`${names.name}-${suffix}`;
}

/** Selector labels: only name and instance, so selectors never change between versions. */
export const selectorLabels = {
  'app.kubernetes.io/name': names.name,
  'app.kubernetes.io/instance': release.name,
};

export function commonLabels(v: Refs<AppValues>) {
  return {
    ...selectorLabels,
    // A tag may be longer than a label value allows, or start or end with "_", "." or "-".
    'app.kubernetes.io/version': labelValue(v.image.tag),
    'app.kubernetes.io/component': v.component,
    'app.kubernetes.io/part-of': v.partOf,
    'app.kubernetes.io/managed-by': release.service,
    'helm.sh/chart': helmOnly(names.chart),
  };
}

export function podLabels(v: Refs<AppValues>) {
  return { ...commonLabels(v), ...spread(v.podLabels) };
}

/** The Go side of the names above, written as the chart's templates/_helpers.tpl. */
export function helpersTemplate(chart: string): string {
  return `{{/*
Helpers of the ${chart} chart. Generated from lib/app/names.ts, which renders the same names in
JavaScript for the plain manifests.
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "${chart}.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: fullnameOverride, else the release name when it contains the chart name, else
"<release>-<chart>"; at most 63 characters (the DNS label limit).
*/}}
{{- define "${chart}.fullname" -}}
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
{{- define "${chart}.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* ServiceAccount the pods run as. */}}
{{- define "${chart}.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "${chart}.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Selector labels, as helm create names them, for templates of your own: the same as the chart's
objects use (selectorLabels in lib/app/names.ts); never change them between versions.
*/}}
{{- define "${chart}.selectorLabels" -}}
app.kubernetes.io/name: {{ include "${chart}.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Common labels, as helm create names them: the same as every object of the chart carries (commonLabels). */}}
{{- define "${chart}.labels" -}}
{{ include "${chart}.selectorLabels" . }}
app.kubernetes.io/version: {{ ${labelValueGo('.Values.image.tag')} | quote }}
app.kubernetes.io/component: {{ .Values.component }}
app.kubernetes.io/part-of: {{ .Values.partOf }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "${chart}.chart" . }}
{{- end }}
`;
}
