/**
 * What the migration hook reads exists before it runs (issue 19 §3, the first-deploy deadlock).
 *
 * The migration Job (lib/app/migration.ts) is a Helm pre-install/pre-upgrade hook and an Argo CD PreSync
 * hook. A Secret that the chart's own ExternalSecret or SealedSecret makes is applied with the release's
 * other objects, after every such hook: Helm creates the release's objects only once the pre-install
 * hooks have completed (Helm docs, Chart Hooks: "The Hook Lifecycle"; pkg/action/hooks.go execHook waits
 * for each Job hook), and Argo CD runs the whole PreSync phase before the Sync phase, whatever the sync
 * waves (Argo CD docs, Sync Phases and Waves; argoproj/argo-cd#9891). The Job's pod would wait for its
 * Secret forever and the first install never ends.
 *
 * Making the ExternalSecret itself a hook does not fix it: a hook is deleted and created again at every
 * release (Helm's default delete policy is before-hook-creation; Argo CD's BeforeHookCreation), and the
 * operator owns the Secret it writes (`creationPolicy: Owner`), so the Secret the running pods read would
 * be garbage-collected and written again at every upgrade (argoproj/argo-cd#10077 shows a PreSync
 * ExternalSecret deleted under a running hook).
 *
 * So the migration gets copies of its own: for each Secret of `secrets` that it reads (secretEnv,
 * envFrom, image pull Secrets: global.imagePullSecrets and image.pullSecrets), a second ExternalSecret or SealedSecret writing `<name>-migration`, as a hook one step before
 * the Job's NetworkPolicy (Helm weight and Argo CD sync wave -15), and the Job reads the copy:
 * - Helm creates it first, does not wait for it (Helm waits for Job and Pod hooks only: kube
 *   `WatchUntilReady`), and creates the Job, whose pod starts once the operator has written the copy (the
 *   kubelet retries a container whose Secret is missing); `hook-succeeded` deletes the copy, and with it
 *   its Secret, once the hooks have succeeded (pkg/action/hooks.go: after all hooks of the event);
 * - Argo CD waits for the copy to be healthy before the next wave (its built-in health checks of
 *   external-secrets.io/ExternalSecret and bitnami.com/SealedSecret read their Ready and Synced
 *   conditions), then runs the Job; `BeforeHookCreation` replaces the copy at the next sync (not
 *   `HookSucceeded`, which argo-cd#10077 shows deleting it under the running Job);
 * - Flux ignores hook annotations and applies the copy with everything else; the Job's pod starts once
 *   the copy is written.
 * The running pods' Secret is never touched. A SealedSecret can be copied only when its ciphertext was
 * sealed namespace-wide or cluster-wide (`kubeseal --scope`; the strict scope binds it to the name):
 * MIGRATION_SECRET_RULES refuses a migration that reads a strictly sealed one.
 */
import { Construct } from 'constructs';
import { SealedSecret } from '../../imports/bitnami.com';
import { ExternalSecret } from '../../imports/external-secrets.io';
import type { AppObjectProps } from '../app/props';
import { TemplatedObject } from '../chart/templated-object';
import { Expr, type GoContext, type Operand, type Scope, and, expr } from '../template/expr';
import type { Refs } from '../template/manifest';
import type { AppRule } from '../values/rule';
import type { AppValues } from '../values/schema';
import { externalSecretManifest, sealedSecretManifest } from './secret-sources';

/** The suffix of a migration's copy of a Secret (the `secrets` key pattern leaves room for it). */
const COPY_SUFFIX = '-migration';

/** Hook annotations of the copies: before the migration's NetworkPolicy (-10) and Job (-5), in every engine. */
const COPY_HOOK = {
  'helm.sh/hook': 'pre-install,pre-upgrade',
  'helm.sh/hook-weight': '-15',
  'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/sync-wave': '-15',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
};

/** Whether the migration reads Secret `name`: a `secretEnv` entry's secretName, an `envFrom` secretRef or an image pull Secret. */
function readsSecret(values: AppValues, name: string): boolean {
  const pullSecrets = [...((values.global as { imagePullSecrets?: string[] } | undefined)?.imagePullSecrets ?? []), ...values.image.pullSecrets];
  return values.secretEnv.some((ref) => ref.secretName === name) || values.envFrom.some((source) => source.secretRef?.name === name) || pullSecrets.includes(name);
}

/** Go: the arguments of the chart's named template `<chart>.migrationReads`, `(list secretEnv envFrom name pullSecrets)`, from `values` (e.g. `.Values`). */
function migrationReadsArgs(values: string, name: string): string {
  return `(list ${values}.secretEnv ${values}.envFrom ${name} (concat (default (list) (dig "imagePullSecrets" nil (default (dict) ${values}.global))) (default (list) ${values}.image.pullSecrets)))`;
}

/**
 * Whether the migration reads Secret `name` (readsSecret). Go: the chart's named template
 * `<chart>.migrationReads` (migrationHelpers).
 */
function migrationReads(name: string): Expr<boolean> {
  return new (class extends Expr<boolean> {
    evaluate(scope: Scope): boolean {
      return readsSecret(scope.values as AppValues, name);
    }
    go(ctx: GoContext): string {
      return `(eq (include ${JSON.stringify(`${ctx.chartName}.migrationReads`)} ${migrationReadsArgs('$.Values', JSON.stringify(name))}) "true")`;
    }
  })();
}

/** The named template behind `migrationReads`, for the chart's _helpers.tpl. */
export function migrationHelpers(chart: string): string {
  return `{{/* Whether the migration reads a Secret: (list secretEnv envFrom name pullSecrets) (lib/secrets/migration-copies.ts). */}}
{{- define "${chart}.migrationReads" -}}
{{- $name := index . 2 -}}
{{- $reads := false -}}
{{- range index . 0 }}{{ if eq .secretName $name }}{{ $reads = true }}{{ end }}{{ end -}}
{{- range index . 1 }}{{ if and .secretRef (eq .secretRef.name $name) }}{{ $reads = true }}{{ end }}{{ end -}}
{{- if has $name (index . 3) }}{{ $reads = true }}{{ end -}}
{{- $reads -}}
{{- end }}
`;
}

/**
 * The Secret the migration reads in place of `name`: its copy when the chart makes `name` (a key of
 * `secrets`), else `name` (an existing Secret, there before any hook).
 */
export function migrationSecretName(secrets: Refs<AppValues['secrets']>, name: Operand<string>): Expr<string> {
  return new (class extends Expr<string> {
    evaluate(scope: Scope): string {
      const value = String(expr(name).evaluate(scope));
      const made = (secrets.evaluate(scope) ?? {}) as Record<string, unknown>;
      return Object.hasOwn(made, value) ? `${value}${COPY_SUFFIX}` : value;
    }
    go(ctx: GoContext): string {
      const n = expr(name).go(ctx);
      return `(ternary (printf "%s${COPY_SUFFIX}" ${n}) ${n} (hasKey (default (dict) ${secrets.go(ctx)}) ${n}))`;
    }
    override goText(ctx: GoContext): string {
      return this.go(ctx);
    }
  })();
}

export interface MigrationSecretCopiesProps extends AppObjectProps {
  /** The Secret names of `secrets` (from the base values: the chart has objects per name). */
  readonly secretNames: readonly string[];
}

/** The copies, one ExternalSecret or SealedSecret per Secret of `secrets` the migration reads. */
export class MigrationSecretCopies extends Construct {
  constructor(scope: Construct, id: string, props: MigrationSecretCopiesProps) {
    super(scope, id);
    const v = props.values;
    for (const name of props.secretNames) {
      const source = v.secrets[name];
      const reads = and(v.migration.enabled, migrationReads(name));
      const metadata = { name: `${name}${COPY_SUFFIX}`, annotations: COPY_HOOK };
      new TemplatedObject(this, `ExternalSecret-${name}`, {
        type: ExternalSecret,
        template: `externalsecret-${name}${COPY_SUFFIX}.yaml`,
        condition: and(reads, source.externalSecret),
        manifest: externalSecretManifest(v, source, metadata),
      });
      new TemplatedObject(this, `SealedSecret-${name}`, {
        type: SealedSecret,
        template: `sealedsecret-${name}${COPY_SUFFIX}.yaml`,
        condition: and(reads, source.sealedSecret),
        manifest: sealedSecretManifest(v, source, metadata),
      });
    }
  }
}

const STRICT_COPY =
  'the migration (a Helm pre-install/pre-upgrade and Argo CD PreSync hook) reads this Secret, which the SealedSecret makes only after the hooks (argoproj/argo-cd#9891); its copy for the migration needs ciphertext sealed namespace-wide: kubeseal --scope namespace-wide, then scope: namespace-wide (or give the migration an existing Secret)';

/** A migration that reads a Secret of a strictly sealed SealedSecret is refused: its copy could not be unsealed. */
export const MIGRATION_SECRET_RULES: readonly AppRule[] = [
  {
    check: (v, report) => {
      if (!v.migration.enabled) return;
      for (const [name, source] of Object.entries(v.secrets)) {
        const scope = source.sealedSecret?.scope ?? 'strict';
        if (source.sealedSecret && scope === 'strict' && readsSecret(v, name)) report(['secrets', name, 'sealedSecret', 'scope'], STRICT_COPY);
      }
    },
    go: `{{- if .Values.migration.enabled }}
{{- range $name, $source := .Values.secrets }}
{{- if and $source.sealedSecret (eq (default "strict" $source.sealedSecret.scope) "strict") (eq (include "C.migrationReads" ${migrationReadsArgs('$.Values', '$name')}) "true") }}
{{- fail (printf "secrets.%s.sealedSecret.scope: ${STRICT_COPY}" $name) }}
{{- end }}
{{- end }}
{{- end }}`,
  },
];
