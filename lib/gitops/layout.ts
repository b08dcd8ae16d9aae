/**
 * Names in an environment's GitOps folder (environments/<env>/gitops): the files and objects of each
 * chart (`application-<chart>.yaml`, `kustomization-<chart>.yaml`, objects `<chart>-<env>`) beside
 * those of the environment itself (the root Application or Kustomization, the Namespaces' Application).
 * argocd.ts and flux.ts name them from here, and lib/values/layout-names.ts reserves the chart names
 * that would take one of the environment's own names.
 */

/** Keys of the environment's own files, in the charts' file pattern: `application-root.yaml`, ... */
export const ROOT_FILE_KEY = 'root';
export const NAMESPACES_FILE_KEY = 'namespaces';

/** Prefixes of the environment's own objects, in the charts' object pattern `<prefix>-<env>`. */
const ROOT_OBJECT_PREFIX = 'gitops';
const NAMESPACES_OBJECT_PREFIX = 'namespaces';

export const applicationFile = (key: string) => `application-${key}.yaml`;
export const kustomizationFile = (key: string) => `kustomization-${key}.yaml`;

/** The name of the object that syncs environments/<env>/gitops (Argo CD Application, Flux Kustomization). */
export function rootName(environment: string): string {
  return `${ROOT_OBJECT_PREFIX}-${environment}`;
}

/** The name of the Argo CD Application that owns every Namespace of an environment. */
export function namespacesName(environment: string): string {
  return `${NAMESPACES_OBJECT_PREFIX}-${environment}`;
}

/** The AppProject of the environment's charts (Argo CD) and its GitRepository (Flux), `platform-<env>`. */
export function platformName(environment: string): string {
  return `platform-${environment}`;
}

/** The AppProject of the root Application (Argo CD), `platform-<env>-gitops`. */
export function gitopsProjectName(environment: string): string {
  return `${platformName(environment)}-gitops`;
}

/**
 * The longest name of the environment's own GitOps objects (the charts' `<chart>-<env>` are checked with
 * their namespaces): each is also the object's `app.kubernetes.io/name` label (argocd.ts
 * `gitopsLabels`), a label value of at most 63 characters (apimachinery IsValidLabelValue).
 */
export function longestEnvironmentObjectName(environment: string): string {
  return [rootName(environment), namespacesName(environment), platformName(environment), gitopsProjectName(environment)].reduce((a, b) => (b.length > a.length ? b : a));
}

/** Chart names whose files or objects would be the environment's own, each with what it would replace. */
export function gitopsReservedChartNames(): { readonly name: string; readonly takes: string }[] {
  return [
    { name: ROOT_FILE_KEY, takes: `the root object's file gitops/${applicationFile(ROOT_FILE_KEY)} or ${kustomizationFile(ROOT_FILE_KEY)}` },
    { name: NAMESPACES_FILE_KEY, takes: `the Namespaces' Application ${namespacesName('<env>')}, gitops/${applicationFile(NAMESPACES_FILE_KEY)}` },
    { name: ROOT_OBJECT_PREFIX, takes: `the root object ${rootName('<env>')}` },
  ];
}
