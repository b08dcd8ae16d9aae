/**
 * Rules across fields of the application values, which a JSON schema cannot state. Each rule is
 * written twice, side by side: in TypeScript (`check`, run by synth, every problem with its path) and
 * as a Go template (`go`, in every application chart's templates/validate-values.yaml, where Helm
 * `fail`s on `install`, `upgrade`, `template` and `lint` with the same words). The Helm tests feed
 * each rule's violation to synth and to Helm 3 and Helm 4 and compare the messages
 * (test/helm/value-rules.test.ts). The rules on the pod's other containers are in pod-rules.ts, those
 * on the Service's ports and sources in service-rules.ts; this list holds them in its order.
 *
 * In the Go side, `C` stands for the chart name (named templates `C.str`, `C.quantity`) and numbers
 * are compared as float64: `-f` values are float64 and `--set` values int64 in Helm, and Go
 * templates cannot compare the two directly.
 */
import { BACKUP_RULES } from '../backup/rules';
import { DATA_STORE_RULES } from '../monitoring/data-stores/rules';
import { APPLICATION_RULE_RULES } from '../monitoring/rules/extra-rules-checks';
import { APP_API_SERVER_RULES } from './api-server-rules';
import { SECRET_RULES } from '../secrets/rules';
import { MIGRATION_SECRET_RULES } from '../secrets/migration-copies';
import { TRACING_RULES } from '../references/tracing-rules';
import { EXTRA_OBJECT_LABELS } from '../app/extra-objects';
import { ANNOTATIONS_SIZE_LIMIT, annotationsSize } from './kubernetes-names';
import { parseQuantity } from './quantity';
import { type AppValues, AppValuesSchema } from './schema';
import { resourcePairPaths, resourcePairRule } from './resource-pairs';
import type { SchemaProblem } from './schema-check';
import { POD_RULES, PROBE_KINDS } from './pod-rules';
import type { AppRule, RuleContext } from './rule';
import { TRAFFIC_RULES, trafficProblems } from './traffic';
import { LONGEST_FULLNAME_SUFFIX, MAX_FULLNAME } from './name-budget';
import { SERVICE_RULES } from './service-rules';
import { APP_EDGE_RULES } from '../traffic/edge-rules';
import { EXTENSION_RULES } from './extension-rules';

/** An integer or percentage of `replicas`, rounded up (as the disruption controller does for minAvailable). */
function scaled(value: number | string, replicas: number): number {
  return typeof value === 'number' ? value : Math.ceil((replicas * Number(value.slice(0, -1))) / 100);
}

/** The namespace's pairs; the containers' resources are found in the schema (resource-pairs.ts). */
const RESOURCE_PAIRS = [
  { request: ['quota', 'requests'], limit: ['quota', 'limits'], what: 'the quota limit' },
  { request: ['limitRange', 'defaultRequest'], limit: ['limitRange', 'default'], what: 'the default limit' },
] as const;

/** The volume sources an extra volume may have (lib/values/schema.ts ExtraVolume). */
const VOLUME_SOURCES = ['emptyDir', 'configMap', 'secret', 'persistentVolumeClaim', 'projected'] as const;

const ANNOTATION_MAPS = [['podAnnotations'], ['serviceAccount', 'annotations'], ['ingress', 'annotations']] as const;

function at(v: AppValues, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], v);
}

/** The rules; the order is the order of the messages. */
const RULES: readonly AppRule[] = [
  {
    // The environment's setting: synth reports it at environment.traffic (lib/values/traffic.ts); here for the chart.
    check: (v, report) => {
      for (const p of trafficProblems(v.traffic)) report(['traffic', ...p.path], p.message);
    },
    go: TRAFFIC_RULES,
  },
  {
    // The full name as the chart derives it (the schema bounds fullnameOverride alone): the release
    // name and nameOverride together may exceed what the longest suffix leaves.
    check: (v, report, context) => {
      if (context.fullname.length <= MAX_FULLNAME) return;
      const [key, from] = v.nameOverride ? ['nameOverride', 'the release name and nameOverride'] : ['fullnameOverride', 'the release name'];
      report(
        [key],
        `the full name "${context.fullname}" (from ${from}) is ${context.fullname.length} characters; objects are named up to <full name>-${LONGEST_FULLNAME_SUFFIX}, so at most ${MAX_FULLNAME}: set a shorter fullnameOverride`,
      );
    },
    go: `{{- $fullname := include "C.fullname" . }}
{{- if gt (len $fullname) ${MAX_FULLNAME} }}
{{- $key := "fullnameOverride" }}
{{- $from := "the release name" }}
{{- if .Values.nameOverride }}{{- $key = "nameOverride" }}{{- $from = "the release name and nameOverride" }}{{- end }}
{{- fail (printf "%s: the full name %q (from %s) is %d characters; objects are named up to <full name>-${LONGEST_FULLNAME_SUFFIX}, so at most ${MAX_FULLNAME}: set a shorter fullnameOverride" $key $fullname $from (len $fullname)) }}
{{- end }}`,
  },
  {
    check: (v, report) => {
      if (v.autoscaling.minReplicas > v.autoscaling.maxReplicas) {
        report(['autoscaling', 'minReplicas'], `expected at most maxReplicas (${v.autoscaling.maxReplicas}), got ${v.autoscaling.minReplicas}`);
      }
    },
    go: `{{- with .Values.autoscaling }}
{{- if gt (float64 .minReplicas) (float64 .maxReplicas) }}
{{- fail (printf "autoscaling.minReplicas: expected at most maxReplicas (%s), got %s" (include "C.str" .maxReplicas) (include "C.str" .minReplicas)) }}
{{- end }}
{{- end }}`,
  },
  // Every container's resources of the values (the application's, the dependency wait's, the migration's, the backups'...).
  ...resourcePairPaths(AppValuesSchema).map((path): AppRule => resourcePairRule(path, 'C')),
  ...RESOURCE_PAIRS.flatMap(({ request, limit, what }) =>
    (['cpu', 'memory'] as const).map(
      (resource): AppRule => ({
        check: (v, report) => {
          const requested = (at(v, request) as Record<string, string>)[resource];
          const limited = (at(v, limit) as Record<string, string>)[resource];
          if (parseQuantity(requested) > parseQuantity(limited)) {
            report([...request, resource], what === 'the default limit' ? `expected at most ${what} (${limited})` : `expected at most ${what} (${limited}), got ${requested}`);
          }
        },
        go: `{{- $request := .Values.${request.join('.')}.${resource} }}
{{- $limit := .Values.${limit.join('.')}.${resource} }}
{{- if gt (float64 (include "C.quantity" $request)) (float64 (include "C.quantity" $limit)) }}
{{- fail (printf "${[...request, resource].join('.')}: expected at most ${what} (%s)${what === 'the default limit' ? '' : ', got %s'}" (include "C.str" $limit)${what === 'the default limit' ? '' : ' (include "C.str" $request)'}) }}
{{- end }}`,
      }),
    ),
  ),
  {
    // The PDB must leave at least one pod evictable, or node drains block forever.
    check: (v, report) => {
      const pdb = v.pdb;
      if (!pdb.enabled) return;
      if ((pdb.minAvailable === undefined) === (pdb.maxUnavailable === undefined)) {
        report(['pdb'], 'expected exactly one of minAvailable or maxUnavailable');
        return;
      }
      const replicas = v.autoscaling.enabled ? v.autoscaling.minReplicas : v.replicaCount;
      if (pdb.minAvailable !== undefined && scaled(pdb.minAvailable, replicas) >= replicas) {
        report(['pdb', 'minAvailable'], `expected fewer than the ${replicas} replica(s) so that one pod can be evicted, got ${pdb.minAvailable}`);
      }
      if (pdb.maxUnavailable !== undefined && scaled(pdb.maxUnavailable, replicas) < 1) {
        report(['pdb', 'maxUnavailable'], `expected at least one pod evictable, got ${pdb.maxUnavailable}`);
      }
    },
    go: `{{- with .Values.pdb }}
{{- if .enabled }}
{{- if eq (hasKey . "minAvailable") (hasKey . "maxUnavailable") }}
{{- fail "pdb: expected exactly one of minAvailable or maxUnavailable" }}
{{- end }}
{{- $replicas := float64 (ternary $.Values.autoscaling.minReplicas $.Values.replicaCount $.Values.autoscaling.enabled) }}
{{- if hasKey . "minAvailable" }}
{{- $min := .minAvailable }}
{{- if kindIs "string" $min }}{{ $min = ceil (mulf $replicas (divf (float64 (trimSuffix "%" $min)) 100)) }}{{ end }}
{{- if ge (float64 $min) $replicas }}
{{- fail (printf "pdb.minAvailable: expected fewer than the %s replica(s) so that one pod can be evicted, got %s" (include "C.str" $replicas) (include "C.str" .minAvailable)) }}
{{- end }}
{{- end }}
{{- if hasKey . "maxUnavailable" }}
{{- $max := .maxUnavailable }}
{{- if kindIs "string" $max }}{{ $max = ceil (mulf $replicas (divf (float64 (trimSuffix "%" $max)) 100)) }}{{ end }}
{{- if lt (float64 $max) 1.0 }}
{{- fail (printf "pdb.maxUnavailable: expected at least one pod evictable, got %s" (include "C.str" .maxUnavailable)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  {
    check: (v, report) => {
      const ingress = v.ingress;
      if (!ingress.enabled) return;
      if (ingress.hosts.length === 0) report(['ingress', 'hosts'], 'expected at least one host when the ingress is enabled');
      const hosts = new Set(ingress.hosts.map((h) => h.host));
      if (ingress.tls.enabled) {
        if (ingress.tls.hosts.length === 0) report(['ingress', 'tls', 'hosts'], 'expected at least one host when TLS is enabled');
        ingress.tls.hosts.forEach((host, i) => {
          if (!hosts.has(host)) report(['ingress', 'tls', 'hosts', i], `expected one of the ingress hosts (${[...hosts].join(', ')}), got "${host}"`);
        });
      }
      if (ingress.adminPaths.paths.length > 0 && ingress.adminPaths.allowedCidrs.length === 0) {
        report(['ingress', 'adminPaths', 'allowedCidrs'], 'expected at least one allowed network for the admin paths');
      }
    },
    go: `{{- with .Values.ingress }}
{{- if .enabled }}
{{- if not .hosts }}
{{- fail "ingress.hosts: expected at least one host when the ingress is enabled" }}
{{- end }}
{{- $hosts := list }}
{{- range .hosts }}{{ $hosts = append $hosts .host }}{{ end }}
{{- if .tls.enabled }}
{{- if not .tls.hosts }}
{{- fail "ingress.tls.hosts: expected at least one host when TLS is enabled" }}
{{- end }}
{{- range $i, $host := .tls.hosts }}
{{- if not (has $host $hosts) }}
{{- fail (printf "ingress.tls.hosts[%d]: expected one of the ingress hosts (%s), got \\"%s\\"" $i (join ", " (uniq $hosts)) $host) }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .adminPaths.paths (not .adminPaths.allowedCidrs) }}
{{- fail "ingress.adminPaths.allowedCidrs: expected at least one allowed network for the admin paths" }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  // The edge: HSTS, CORS, admin authentication, ingress annotations (lib/traffic/edge-rules.ts).
  ...APP_EDGE_RULES,
  {
    // A dependency is outside the cluster (a CIDR), or inside it (namespace labels, or an application
    // of the platform that synth resolves to namespace labels): with neither, the egress peer would
    // select every namespace.
    check: (v, report) => {
      v.networkPolicy.dependencies.forEach((dep, i) => {
        const inCluster = dep.namespaceLabels !== undefined || dep.app !== undefined;
        if ((dep.cidr === undefined) === !inCluster) {
          report(['networkPolicy', 'dependencies', i], 'expected exactly one of cidr (outside the cluster), namespaceLabels (in the cluster) or app (an application of the platform)');
        }
        if (dep.cidr !== undefined && dep.podLabels !== undefined) {
          report(['networkPolicy', 'dependencies', i, 'podLabels'], 'podLabels only apply with namespaceLabels');
        }
        for (const field of ['namespace', 'release'] as const) {
          if (dep[field] !== undefined && dep.app === undefined) report(['networkPolicy', 'dependencies', i, field], 'only applies with app (where that application runs)');
        }
      });
    },
    // An app's namespace and labels: synth's, or the release layout's (lib/app/callee.ts); its port is a number of its pods.
    go: `{{- range $i, $dep := .Values.networkPolicy.dependencies }}
{{- if eq (hasKey $dep "cidr") (or (hasKey $dep "namespaceLabels") (hasKey $dep "app")) }}
{{- fail (printf "networkPolicy.dependencies[%d]: expected exactly one of cidr (outside the cluster), namespaceLabels (in the cluster) or app (an application of the platform)" $i) }}
{{- end }}
{{- if and (hasKey $dep "cidr") (hasKey $dep "podLabels") }}
{{- fail (printf "networkPolicy.dependencies[%d].podLabels: podLabels only apply with namespaceLabels" $i) }}
{{- end }}
{{- range $field := list "namespace" "release" }}
{{- if and (hasKey $dep $field) (not (hasKey $dep "app")) }}
{{- fail (printf "networkPolicy.dependencies[%d].%s: only applies with app (where that application runs)" $i $field) }}
{{- end }}
{{- end }}
{{- if not (or (kindIs "float64" $dep.port) (kindIs "int64" $dep.port)) }}
{{- if hasKey $dep "app" }}
{{- fail (printf "networkPolicy.dependencies[%d].port: expected the number of the port of %s's pods (npm run synth resolves a port name, http by default; with Helm alone, give the number)" $i $dep.app) }}
{{- end }}
{{- fail (printf "networkPolicy.dependencies[%d].port: expected a port number" $i) }}
{{- end }}
{{- end }}`,
  },
  {
    // An exec probe runs its command; the other kinds have none.
    check: (v, report) => {
      for (const kind of PROBE_KINDS) {
        const probe = v.probes[kind];
        if (probe.type === 'exec' && probe.command === undefined) report(['probes', kind, 'command'], 'required value is missing (type exec runs a command)');
        if (probe.type !== 'exec' && probe.command !== undefined) report(['probes', kind, 'command'], `only type exec runs a command (this probe is ${probe.type})`);
      }
    },
    go: `{{- range $kind := list "startup" "liveness" "readiness" }}
{{- $probe := index $.Values.probes $kind }}
{{- if and (eq $probe.type "exec") (not (hasKey $probe "command")) }}
{{- fail (printf "probes.%s.command: required value is missing (type exec runs a command)" $kind) }}
{{- end }}
{{- if and (ne $probe.type "exec") (hasKey $probe "command") }}
{{- fail (printf "probes.%s.command: only type exec runs a command (this probe is %s)" $kind $probe.type) }}
{{- end }}
{{- end }}`,
  },
  {
    // Each envFrom source names one ConfigMap or one Secret.
    check: (v, report) => {
      v.envFrom.forEach((source, i) => {
        if ((source.configMapRef === undefined) === (source.secretRef === undefined)) report(['envFrom', i], 'expected exactly one of configMapRef or secretRef');
      });
    },
    go: `{{- range $i, $source := .Values.envFrom }}
{{- if eq (hasKey $source "configMapRef") (hasKey $source "secretRef") }}
{{- fail (printf "envFrom[%d]: expected exactly one of configMapRef or secretRef" $i) }}
{{- end }}
{{- end }}`,
  },
  {
    // Extra volumes: one source each, names of their own (tmp is the chart's), mounted where nothing else is.
    check: (v, report) => {
      const names = new Set(['tmp']);
      v.extraVolumes.forEach((volume, i) => {
        const sources = VOLUME_SOURCES.filter((source) => volume[source] !== undefined);
        if (sources.length !== 1) report(['extraVolumes', i], `expected exactly one of ${VOLUME_SOURCES.join(', ')}`);
        if (names.has(volume.name)) report(['extraVolumes', i, 'name'], `"${volume.name}" is already a volume of the pod`);
        names.add(volume.name);
      });
      const paths = new Set(['/tmp']);
      v.extraVolumeMounts.forEach((mount, i) => {
        if (mount.name === 'tmp' || !names.has(mount.name)) report(['extraVolumeMounts', i, 'name'], `expected the name of one of extraVolumes, got "${mount.name}"`);
        if (paths.has(mount.mountPath)) report(['extraVolumeMounts', i, 'mountPath'], `${mount.mountPath} is already a mount of the container`);
        paths.add(mount.mountPath);
      });
    },
    go: `{{- $names := dict "tmp" true }}
{{- range $i, $volume := .Values.extraVolumes }}
{{- $sources := 0 }}
{{- range $source := list ${VOLUME_SOURCES.map((s) => JSON.stringify(s)).join(' ')} }}{{ if hasKey $volume $source }}{{ $sources = add1 $sources }}{{ end }}{{ end }}
{{- if ne $sources 1 }}
{{- fail (printf "extraVolumes[%d]: expected exactly one of ${VOLUME_SOURCES.join(', ')}" $i) }}
{{- end }}
{{- if hasKey $names $volume.name }}
{{- fail (printf "extraVolumes[%d].name: \\"%s\\" is already a volume of the pod" $i $volume.name) }}
{{- end }}
{{- $_ := set $names $volume.name true }}
{{- end }}
{{- $paths := dict "/tmp" true }}
{{- range $i, $mount := .Values.extraVolumeMounts }}
{{- if or (eq $mount.name "tmp") (not (hasKey $names $mount.name)) }}
{{- fail (printf "extraVolumeMounts[%d].name: expected the name of one of extraVolumes, got \\"%s\\"" $i $mount.name) }}
{{- end }}
{{- if hasKey $paths $mount.mountPath }}
{{- fail (printf "extraVolumeMounts[%d].mountPath: %s is already a mount of the container" $i $mount.mountPath) }}
{{- end }}
{{- $_ := set $paths $mount.mountPath true }}
{{- end }}`,
  },
  ...POD_RULES,
  {
    // Extra objects: one of each kind and name (kubectl and Argo CD would keep only one), and the
    // chart's labels left to the chart.
    check: (v, report) => {
      const seen = new Set<string>();
      v.extraObjects.forEach((object, i) => {
        const id = `${object.kind} ${object.metadata.name}`;
        if (seen.has(id)) report(['extraObjects', i, 'metadata', 'name'], `${id} is already an earlier extra object`);
        seen.add(id);
        for (const key of EXTRA_OBJECT_LABELS) {
          if (Object.hasOwn(object.metadata.labels ?? {}, key)) report(['extraObjects', i, 'metadata', 'labels', key], 'is set by the chart: remove it');
        }
      });
    },
    go: `{{- $seen := dict }}
{{- range $i, $object := .Values.extraObjects }}
{{- $id := printf "%s %s" $object.kind $object.metadata.name }}
{{- if hasKey $seen $id }}
{{- fail (printf "extraObjects[%d].metadata.name: %s is already an earlier extra object" $i $id) }}
{{- end }}
{{- $_ := set $seen $id true }}
{{- range $key := list ${EXTRA_OBJECT_LABELS.map((key) => JSON.stringify(key)).join(' ')} }}
{{- if hasKey (default (dict) $object.metadata.labels) $key }}
{{- fail (printf "extraObjects[%d].metadata.labels.%s: is set by the chart: remove it" $i $key) }}
{{- end }}
{{- end }}
{{- end }}`,
  },
  ...SERVICE_RULES,
  ...EXTENSION_RULES,
  {
    // The pod is killed at the end of its grace period, preStop sleep included: the sleep must end first.
    check: (v, report) => {
      if (v.preStopSleepSeconds >= v.terminationGracePeriodSeconds) {
        report(['preStopSleepSeconds'], `expected less than terminationGracePeriodSeconds (${v.terminationGracePeriodSeconds}), got ${v.preStopSleepSeconds}`);
      }
    },
    go: `{{- if ge (float64 .Values.preStopSleepSeconds) (float64 .Values.terminationGracePeriodSeconds) }}
{{- fail (printf "preStopSleepSeconds: expected less than terminationGracePeriodSeconds (%s), got %s" (include "C.str" .Values.terminationGracePeriodSeconds) (include "C.str" .Values.preStopSleepSeconds)) }}
{{- end }}`,
  },
  ...ANNOTATION_MAPS.map(
    (path): AppRule => ({
      // Kubernetes: the annotations of an object take at most 256 KiB, keys and values together.
      check: (v, report) => {
        const size = annotationsSize((at(v, path) as Record<string, string> | undefined) ?? {});
        if (size > ANNOTATIONS_SIZE_LIMIT) report([...path], `expected at most ${ANNOTATIONS_SIZE_LIMIT} bytes of annotations (keys and values), got ${size}`);
      },
      go: `{{- $size := 0 }}
{{- range $key, $value := .Values.${path.join('.')} }}{{ $size = add $size (len $key) (len $value) }}{{ end }}
{{- if gt $size ${ANNOTATIONS_SIZE_LIMIT} }}
{{- fail (printf "${path.join('.')}: expected at most ${ANNOTATIONS_SIZE_LIMIT} bytes of annotations (keys and values), got %d" $size) }}
{{- end }}`,
    }),
  ),
  {
    // A name in both would be set twice in the container; the Secret would silently win.
    check: (v, report) => {
      const seen = new Set<string>();
      v.secretEnv.forEach((ref, i) => {
        if (Object.hasOwn(v.env, ref.name)) report(['secretEnv', i, 'name'], `"${ref.name}" is also a key of env; a variable comes from one place`);
        else if (seen.has(ref.name)) report(['secretEnv', i, 'name'], `"${ref.name}" is already an earlier secretEnv name`);
        seen.add(ref.name);
      });
    },
    go: `{{- $seen := dict }}
{{- range $i, $ref := .Values.secretEnv }}
{{- if hasKey $.Values.env $ref.name }}
{{- fail (printf "secretEnv[%d].name: \\"%s\\" is also a key of env; a variable comes from one place" $i $ref.name) }}
{{- else if hasKey $seen $ref.name }}
{{- fail (printf "secretEnv[%d].name: \\"%s\\" is already an earlier secretEnv name" $i $ref.name) }}
{{- end }}
{{- $_ := set $seen $ref.name true }}
{{- end }}`,
  },
  // Progressive delivery (rollout, lib/delivery/).
  {
    // A traffic router splits the application's entry: NGINX copies its Ingress into a canary Ingress, the
    // Gateway API plugin sets the weights of its HTTPRoutes. The entry must exist, on that router's provider.
    check: (v, report) => {
      const router = v.rollout.canary.trafficRouting;
      if (v.rollout.strategy !== 'canary' || router === 'replicas') return;
      const provider = router === 'nginx' ? 'ingress' : 'gatewayAPI';
      if (!v.ingress.enabled) report(['rollout', 'canary', 'trafficRouting'], `${router} splits the traffic of the application’s entry, and ingress.enabled is false; enable it or use replicas`);
      else if (v.traffic.provider !== provider) {
        report(
          ['rollout', 'canary', 'trafficRouting'],
          `${router} needs traffic.provider ${provider}, and this environment’s is ${v.traffic.provider}; use ${router === 'nginx' ? 'gatewayAPI' : 'nginx'} or replicas`,
        );
      }
    },
    go: `{{- $router := .Values.rollout.canary.trafficRouting }}
{{- if and (eq .Values.rollout.strategy "canary") (ne $router "replicas") }}
{{- $provider := ternary "ingress" "gatewayAPI" (eq $router "nginx") }}
{{- if not .Values.ingress.enabled }}
{{- fail (printf "rollout.canary.trafficRouting: %s splits the traffic of the application’s entry, and ingress.enabled is false; enable it or use replicas" $router) }}
{{- else if ne .Values.traffic.provider $provider }}
{{- fail (printf "rollout.canary.trafficRouting: %s needs traffic.provider %s, and this environment’s is %s; use %s or replicas" $router $provider .Values.traffic.provider (ternary "gatewayAPI" "nginx" (eq $router "nginx"))) }}
{{- end }}
{{- end }}`,
  },
  {
    // A phase that gives the new version less traffic than the one before is a mistake in the order.
    check: (v, report) => {
      v.rollout.canary.phases.forEach((phase, i) => {
        const previous = v.rollout.canary.phases[i - 1];
        if (previous && phase.weight <= previous.weight) report(['rollout', 'canary', 'phases', i, 'weight'], `expected more than the previous phase’s weight (${previous.weight}), got ${phase.weight}`);
      });
    },
    go: `{{- $previous := -1.0 }}
{{- range $i, $phase := .Values.rollout.canary.phases }}
{{- if and (ge $previous 0.0) (le (float64 $phase.weight) $previous) }}
{{- fail (printf "rollout.canary.phases[%d].weight: expected more than the previous phase’s weight (%s), got %s" $i (include "C.str" $previous) (include "C.str" $phase.weight)) }}
{{- end }}
{{- $previous = float64 $phase.weight }}
{{- end }}`,
  },
  ...BACKUP_RULES,
  ...DATA_STORE_RULES,
  ...APPLICATION_RULE_RULES,
  ...SECRET_RULES,
  ...MIGRATION_SECRET_RULES,
  ...TRACING_RULES,
  ...APP_API_SERVER_RULES,
];

/** Every violation of the cross-field rules in one application's values. */
export function checkAppRules(v: AppValues, context: RuleContext): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const rule of RULES) rule.check(v, (path, message) => problems.push({ path, message }), context);
  return problems;
}

/**
 * The same rules as Go template text, for the chart's templates/validate-values.yaml
 * (`valueRulesTemplate`): nothing, or a `fail` with the first violation. `chart` names the chart's
 * named templates.
 */
export function appRulesTemplate(chart: string): string {
  return `${RULES.map((rule) => rule.go.replaceAll('"C.', `"${chart}.`)).join('\n')}\n`;
}

/** templates/validate-values.yaml of a chart with these rules (Go template text). */
export function valueRulesTemplate(rules: string): string {
  return `{{- /*
Rules on values that values.schema.json cannot state or would not explain, the same as synth applies
(generated from lib/values/readable-schema.ts, quantity-rules.ts and app-rules.ts). Renders nothing;
fails with the first violation.
*/}}
${rules}
`;
}

/**
 * The named template `<chart>.quantity`: a Kubernetes quantity (250m, 1.5, 512Mi, 2Gi) as a number,
 * printed as text (`float64 (include "<chart>.quantity" $q)` reads it back), like `parseQuantity`.
 */
export function quantityHelper(chart: string): string {
  return `{{/* A Kubernetes quantity (250m, 1.5, 512Mi) as a number: the same as lib/values/quantity.ts. */}}
{{- define "${chart}.quantity" -}}
{{- $text := include "${chart}.str" . -}}
{{- $number := regexFind "^[0-9]+([.][0-9]+)?" $text -}}
{{- $factors := dict "" 1.0 "n" 1e-9 "u" 1e-6 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- mulf (float64 $number) (get $factors (trimPrefix $number $text)) -}}
{{- end }}
`;
}
