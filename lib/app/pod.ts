/**
 * What every pod of an application has, whichever object runs it (the Deployment, the migration Job, the backup CronJobs):
 * the pod security context, the image pull Secrets, the application's image and its secret variables.
 */
import type { k8s } from 'cdk8s-plus-27';
import { fmt, ifElse, type Operand } from '../template/expr';
import { dig, firstOf, nameValueList, uniqueConcat } from '../template/functions';
import { type Refs, each, when } from '../template/manifest';
import type { Manifest } from '../template/typed';
import type { AppValues } from '../values/schema';

/** Pod Security "restricted" at the pod level: non-root with the values' IDs, RuntimeDefault seccomp. */
export function podSecurityContext(v: Refs<AppValues>): Manifest<k8s.PodSecurityContext> {
  return {
    runAsNonRoot: true,
    runAsUser: v.podSecurityContext.runAsUser,
    runAsGroup: v.podSecurityContext.runAsGroup,
    fsGroup: v.podSecurityContext.fsGroup,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * global.imagePullSecrets (every application's), then image.pullSecrets (this one's), each name once;
 * `rename` gives the Secret a pod reads in place of each (the migration's copies, lib/secrets/migration-copies.ts).
 */
export function imagePullSecrets(v: Refs<AppValues>, rename: (name: Refs<string>) => Operand<string> = (name) => name): Manifest<k8s.LocalObjectReference[]> {
  return [each(uniqueConcat(dig<string[]>(v.global, 'imagePullSecrets'), v.image.pullSecrets), 'pullSecret', (secret) => ({ name: rename(secret) }))];
}

/**
 * The application's image: `<registry>/<repository>` (the registry: global.imageRegistry, else
 * image.registry, else none, as Bitnami's charts read them), by digest when one is given, else by tag.
 */
export function appImage(v: Refs<AppValues>) {
  const registry = firstOf(dig<string>(v.global, 'imageRegistry'), v.image.registry);
  const repository = ifElse(registry, fmt`${registry}/${v.image.repository}`, v.image.repository);
  return ifElse(v.image.digest, fmt`${repository}@${v.image.digest}`, fmt`${repository}:${v.image.tag}`);
}

/**
 * The Downward API variables of the application container (`downwardEnv`), in name order: a field of
 * the pod (fieldRef) or a resource of the container (resourceFieldRef, its divisor as text); items of an
 * `env` list.
 */
export function downwardEnvVars(v: Refs<AppValues>) {
  return each(nameValueList(v.downwardEnv), 'downward', (entry) => {
    const source = entry.value;
    return {
      name: entry.name,
      valueFrom: {
        fieldRef: when(source.fieldPath, { fieldPath: source.fieldPath }),
        resourceFieldRef: when(source.resource, { resource: source.resource, divisor: when(source.divisor, fmt`${source.divisor}`) }),
      },
    };
  });
}

/** secretEnv as container variables read from the existing Secrets (the values never enter git): items of an `env` list. */
export function secretEnvVars(v: Refs<AppValues>) {
  return each(v.secretEnv, 'secretEnv', (ref) => ({ name: ref.name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } }));
}
