/**
 * What every pod of an application has, whichever object runs it (the Deployment, the migration Job, the backup CronJobs):
 * the pod security context, the image pull Secrets, the application's image and its secret variables.
 */
import type { k8s } from 'cdk8s-plus-27';
import { fmt, ifElse } from '../template/expr';
import { dig, uniqueConcat } from '../template/functions';
import { type Refs, each } from '../template/manifest';
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

/** global.imagePullSecrets (every application's), then image.pullSecrets (this one's), each name once. */
export function imagePullSecrets(v: Refs<AppValues>): Manifest<k8s.LocalObjectReference[]> {
  return [each(uniqueConcat(dig<string[]>(v.global, 'imagePullSecrets'), v.image.pullSecrets), 'pullSecret', (secret) => ({ name: secret }))];
}

/** The application's image: by digest when one is given, else by tag. */
export function appImage(v: Refs<AppValues>) {
  return ifElse(v.image.digest, fmt`${v.image.repository}@${v.image.digest}`, fmt`${v.image.repository}:${v.image.tag}`);
}

/** secretEnv as container variables read from the existing Secrets (the values never enter git): items of an `env` list. */
export function secretEnvVars(v: Refs<AppValues>) {
  return each(v.secretEnv, 'secretEnv', (ref) => ({ name: ref.name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } }));
}
