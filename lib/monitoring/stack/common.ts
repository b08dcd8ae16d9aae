/**
 * What every construct of the monitoring stack shares: its props, component names and labels,
 * container images, and the restricted security settings.
 */
import type { k8s } from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { chartLabel } from '../../chart/chart-label';
import { TemplatedObject, helmOnly } from '../../chart/templated-object';
import { type Expr, type Operand, type Scope, eq, fmt, ifElse, release } from '../../template/expr';
import { labelValue } from '../../template/label-value';
import { type Refs, when } from '../../template/manifest';
import type { ApiObjectClass, Checked, Manifest, ManifestOf } from '../../template/typed';
import type { MonitoringValues } from '../values-schema';
import type { DataStoreKind } from '../data-stores/values-schema';

export interface MonitoringProps {
  readonly values: Refs<MonitoringValues>;
  /** The chart's default release: generated configuration takes the shape of its values. */
  readonly defaults: Scope;
  /** The applications scraped and probed (the keys of `values.applications`, fixed per chart). */
  readonly applications: readonly string[];
  /** Every release the chart is generated for (the environments), for precomputed configuration. */
  readonly releases: readonly Scope[];
  /** The data stores watched, by kind (the keys of `values.dataStores.<kind>`, fixed per chart). */
  readonly dataStores: Readonly<Record<DataStoreKind, readonly string[]>>;
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
  | 'monitoring'
  | 'acme-issuer'
  | 'backup-schedule'
  | 'otel-collector'
  | 'tempo'
  // One exporter per data store (data-store-exporters.ts), named after it.
  | `postgres-exporter-${string}`
  | `redis-exporter-${string}`;

export function selectorLabels(component: Component) {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/instance': release.name };
}

export function labels(component: Component, version?: Expr<string>) {
  return {
    ...selectorLabels(component),
    ...(version ? { 'app.kubernetes.io/version': labelValue(version) } : {}),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': release.service,
    'helm.sh/chart': helmOnly(chartLabel),
  };
}

/**
 * `labels(component, version)` for a cdk8s-plus-27 construct: the values-driven ones as expression
 * tokens (strings); `helm.sh/chart` is added to every such object of the Helm chart by the release
 * (lib/chart/foreign-object.ts).
 */
export function tokenLabels(component: Component, version?: Expr<string>): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(selectorLabels(component)).map(([key, value]) => [key, String(value)])),
    ...(version ? { 'app.kubernetes.io/version': String(labelValue(version)) } : {}),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': String(release.service),
  };
}

/**
 * The public URL of a sub path of the stack's host, with a trailing slash (e.g.
 * https://ops.example.com/prometheus/): what Grafana's root_url and Prometheus' and Alertmanager's
 * --web.external-url are set to, so that the links they write lead back through the routes.
 */
export function publicUrl(v: Refs<MonitoringValues>, path: Operand<string>): Expr<string> {
  return fmt`${ifElse(v.ingress.tls.enabled, 'https', 'http')}://${v.ingress.host}${path}/`;
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

/** The pod security context of a component running as `uid` (user, group and file system group). */
export function podSecurity(uid: number): Manifest<k8s.PodSecurityContext> {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** An HTTP probe on a named port. */
export function httpProbe(path: string | Expr<string>, port: string, periodSeconds = 10, failureThreshold = 3): Manifest<k8s.Probe> {
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

/**
 * One object of the chart, declared with the cdk8s class of its kind (e.g. `k8s.KubeService`, or
 * `ServiceMonitor` from imports/) and its manifest without apiVersion and kind, checked like a
 * `TemplatedObject`'s (see `TemplatedObjectProps.manifest`).
 */
export function k8sObject<C extends ApiObjectClass, const M extends ManifestOf<C>>(
  scope: Construct,
  id: string,
  template: string,
  type: C,
  manifest: Checked<M, ManifestOf<C>>,
  options: { readonly condition?: Expr; readonly plainOnly?: boolean } = {},
): TemplatedObject {
  // Checked above, where the tree is written. TypeScript cannot evaluate the check again for a
  // generic C (`Exact<ManifestOf<C>, ManifestOf<C>>` stays unresolved), though a type has no key that
  // it has no place for: hence the cast, from the checked tree to the same tree marked as checked.
  const checked = manifest as ManifestOf<C> as Checked<ManifestOf<C>, ManifestOf<C>>;
  return new TemplatedObject<C, ManifestOf<C>>(scope, id, { type, template, manifest: checked, ...options });
}

type StorageRef = Refs<Pick<MonitoringValues['loki']['storage'], 'size' | 'storageClassName'>>;

/** The volume claim of a StatefulSet's pods (`data`); an empty class name means the cluster default. */
export function persistentVolumeClaim(storage: StorageRef): Manifest<k8s.KubePersistentVolumeClaimProps> {
  return { metadata: { name: 'data' }, spec: claimSpec(storage) };
}

/** A ReadWriteOnce claim of the size and class the values give (empty class: the cluster default). */
export function claimSpec(storage: StorageRef): Manifest<k8s.PersistentVolumeClaimSpec> {
  return {
    accessModes: ['ReadWriteOnce'],
    storageClassName: when(storage.storageClassName, storage.storageClassName),
    resources: { requests: { storage: fmt`${storage.size}` } },
  };
}
