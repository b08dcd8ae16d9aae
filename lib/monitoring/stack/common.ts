/**
 * What every construct of the monitoring stack shares: its props, component names and labels,
 * container images, and the restricted security settings.
 */
import { Construct } from 'constructs';
import { TemplatedObject, helmOnly } from '../../chart/templated-object';
import { Expr, Include, Scope, eq, fmt, release } from '../../template/expr';
import { Node, Refs, when } from '../../template/manifest';
import { MonitoringValues } from '../values-schema';

export interface MonitoringProps {
  readonly values: Refs<MonitoringValues>;
  /** The chart's default release: generated configuration takes the shape of its values. */
  readonly defaults: Scope;
  /** The applications scraped and probed (the keys of `values.applications`, fixed per chart). */
  readonly applications: readonly string[];
  /** Every release the chart is generated for (the environments), for precomputed configuration. */
  readonly releases: readonly Scope[];
}

export const PART_OF = 'monitoring';

export function standalone(v: Refs<MonitoringValues>): Expr<boolean> {
  return eq(v.mode, 'standalone');
}

export function operatorMode(v: Refs<MonitoringValues>): Expr<boolean> {
  return eq(v.mode, 'operator');
}

/** The components; each name is its objects' name and its app.kubernetes.io/name label. */
export type Component =
  | 'prometheus'
  | 'alertmanager'
  | 'grafana'
  | 'loki'
  | 'alloy'
  | 'node-exporter'
  | 'kube-state-metrics'
  | 'blackbox-exporter'
  | 'monitoring';

export function selectorLabels(component: Component) {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/instance': release.name };
}

export const chartLabel = new Include('chart', (s) => `${s.chart.name}-${s.chart.version}`.replace(/\+/g, '_').slice(0, 63).replace(/-+$/, ''));

export function labels(component: Component, version?: Expr<string>) {
  return {
    ...selectorLabels(component),
    ...(version ? { 'app.kubernetes.io/version': version } : {}),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': release.service,
    'helm.sh/chart': helmOnly(chartLabel),
  };
}

/** Cluster-scoped objects are named after the release namespace, so that two stacks never collide. */
export function clusterName(component: Component): Expr<string> {
  return fmt`${release.namespace}-${component}`;
}

type ImageRef = Refs<MonitoringValues['prometheus']['image']>;

export function image(ref: ImageRef): Expr<string> {
  return fmt`${ref.repository}:${ref.tag}`;
}

export { RESTRICTED_CONTAINER } from '../../chart/pod-security';

export function podSecurity(uid: number) {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** An HTTP probe on a named port. */
export function httpProbe(path: string | Expr<string>, port: string, periodSeconds = 10, failureThreshold = 3) {
  return { httpGet: { path, port }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

/** Metadata of a namespaced object of the release. */
export function metadata(name: string | Expr<string>, component: Component, version?: Expr<string>) {
  return { name, namespace: release.namespace, labels: labels(component, version) };
}

/** The Go side of the names above (`chart`), for the chart's _helpers.tpl. */
export function helpersTemplate(chart: string): string {
  return `{{/*
Helpers of the ${chart} chart. Generated from lib/monitoring/stack/common.ts, which renders the same
names in JavaScript for the plain manifests.
*/}}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "${chart}.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}
`;
}

type Manifest = { readonly apiVersion: string; readonly kind: string } & { readonly [key: string]: Node };

/** One object of the chart, its apiVersion and kind read from the manifest. */
export function k8sObject(
  scope: Construct,
  id: string,
  template: string,
  manifest: Manifest,
  options: { readonly condition?: Expr; readonly plainOnly?: boolean } = {},
): TemplatedObject {
  return new TemplatedObject(scope, id, { apiVersion: manifest.apiVersion, kind: manifest.kind, template, manifest, ...options });
}

type StorageRef = Refs<MonitoringValues['loki']['storage']>;

/** The volume claim of a StatefulSet's pods (`data`); an empty class name means the cluster default. */
export function persistentVolumeClaim(storage: StorageRef) {
  return {
    metadata: { name: 'data' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: when(storage.storageClassName, storage.storageClassName),
      resources: { requests: { storage: storage.size } },
    },
  };
}
