/**
 * The GitOps settings of an environment (values files: `gitops:`, in base.yaml for every environment
 * and in each overlay for its own, merged like the rest): which engine applies the output
 * (`argocd`, `flux` or `none`), from which repository, branch and folder, and whether it prunes and
 * heals drift automatically. Defaults are applied in one place, `gitopsSettings`.
 */
import { type Static, Type } from '@sinclair/typebox';
import { dnsLabelPattern } from '../values/kubernetes-names';
import type { SchemaProblem } from '../values/schema-check';

/**
 * A git repository URL as Argo CD and Flux accept it: https://, ssh:// or scp-like git@host:path, of
 * RFC 3986 characters only (it goes into YAML and the README unescaped).
 */
const REPOSITORY_URL = "^(https://|ssh://|git@[A-Za-z0-9.-]+:)[A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=%-]+$";
/** A branch, tag or commit, as git allows it in a ref name (no spaces, `..`, `~^:?*[\`, control characters). */
const REVISION = '^(?!.*\\.\\.)(?!/)[A-Za-z0-9._/+-]+(?<![./])$';
/** The output folder inside the repository: relative, no `..`, no leading or trailing slash. */
const REPOSITORY_PATH = '^(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$';

/** The `gitops` section of a values file. */
export const GitOpsSettingsSchema = Type.Object(
  {
    engine: Type.Optional(
      Type.Union([Type.Literal('argocd'), Type.Literal('flux'), Type.Literal('none')], {
        description: 'What applies dist/ to the cluster: Argo CD Applications, Flux Kustomizations, or none (default; no GitOps objects are written).',
      }),
    ),
    repoURL: Type.Optional(Type.String({ description: 'The git repository holding this project (and its committed dist/). Required unless engine is none.', pattern: REPOSITORY_URL, maxLength: 2048 })),
    targetRevision: Type.Optional(Type.String({ description: 'Branch (or tag, or commit) the engine follows. Default: main.', pattern: REVISION, maxLength: 255 })),
    path: Type.Optional(Type.String({ description: 'Folder of the synth output inside the repository. Default: dist.', pattern: REPOSITORY_PATH, maxLength: 1024 })),
    prune: Type.Optional(Type.Boolean({ description: 'Delete objects that are no longer in the output (Argo CD automated prune, Flux prune). Default: true; set false for production to prune by hand.' })),
    selfHeal: Type.Optional(Type.Boolean({ description: 'Argo CD: undo changes made in the cluster by hand (Flux always does, at each interval). Default: true.' })),
    namespace: Type.Optional(Type.String({ description: 'Namespace of the engine: argocd (Argo CD) or flux-system (Flux) by default.', pattern: dnsLabelPattern, maxLength: 63 })),
    interval: Type.Optional(Type.String({ description: 'Flux: how often the repository is fetched and the output reconciled. Default: 5m.', pattern: '^([0-9]+(ms|s|m|h))+$' })),
    destinationServer: Type.Optional(
      Type.String({
        description: 'Argo CD: the API server of the environment’s cluster. Default: https://kubernetes.default.svc (the cluster Argo CD runs in).',
        pattern: '^https://[A-Za-z0-9.:-]+(/[A-Za-z0-9._~/-]*)?$',
      }),
    ),
  },
  { additionalProperties: false, description: 'GitOps delivery of the output (base.yaml: defaults of every environment).' },
);

type GitOpsValues = Static<typeof GitOpsSettingsSchema>;

/** The settings of one environment with every default applied. */
export interface GitOpsSettings {
  readonly engine: 'argocd' | 'flux' | 'none';
  readonly repoURL: string;
  readonly targetRevision: string;
  /** The output folder in the repository, e.g. dist: manifests are at <path>/manifests/<env>/<chart>. */
  readonly path: string;
  readonly prune: boolean;
  readonly selfHeal: boolean;
  readonly namespace: string;
  readonly interval: string;
  readonly destinationServer: string;
}

/**
 * Applies the defaults to an environment's merged `gitops` values (already checked against the schema
 * with the files). Returns the settings, or the problems (paths relative to `gitops`): an engine
 * without a repository URL.
 */
export function gitopsSettings(values: GitOpsValues): { settings: GitOpsSettings; problems: SchemaProblem[] } {
  const engine = values.engine ?? 'none';
  const problems: SchemaProblem[] = [];
  if (engine !== 'none' && values.repoURL === undefined) {
    problems.push({ path: ['engine'], message: `${engine} needs the repository to follow: set gitops.repoURL (e.g. https://github.com/<org>/<repo>.git), or engine: none` });
  }
  const settings: GitOpsSettings = {
    engine,
    repoURL: values.repoURL ?? '',
    targetRevision: values.targetRevision ?? 'main',
    path: values.path ?? 'dist',
    prune: values.prune ?? true,
    selfHeal: values.selfHeal ?? true,
    namespace: values.namespace ?? (engine === 'flux' ? 'flux-system' : 'argocd'),
    interval: values.interval ?? '5m',
    destinationServer: values.destinationServer ?? 'https://kubernetes.default.svc',
  };
  return { settings, problems };
}
