/**
 * The `secrets` section of the application values: where the Secrets the application reads come from,
 * without any secret value in git. A Secret the application refers to (secretEnv, envFrom, extraVolumes,
 * backups) is either
 * - an existing Secret, made outside the platform: not listed here;
 * - listed here with `externalSecret`: an ExternalSecret (External Secrets Operator,
 *   external-secrets.io/v1) that writes the Secret from a SecretStore or ClusterSecretStore, key by key
 *   from remote keys (with a pinned `version` where the store has versions);
 * - listed here with `sealedSecret`: a SealedSecret (bitnami.com/v1alpha1) holding only ciphertext that
 *   the cluster's controller alone can decrypt (`kubeseal` output, per namespace).
 * Secret names are keys: the chart has one object per name declared in values/base.yaml (overlays
 * change their settings, for example each environment's ciphertext or remote keys).
 */
import { Type } from '@sinclair/typebox';
import { keyedMap } from '../values/kubernetes-names';
import { patterns, str } from '../values/schema-primitives';

const closed = { additionalProperties: false } as const;
/** A key of a Secret's data (Kubernetes: `[-._a-zA-Z0-9]+`). */
const SECRET_KEY = '^[-._a-zA-Z0-9]+$';

/** The `secrets` schema. */
const externalSecret = Type.Object(
  {
    storeRef: Type.Object(
      {
        name: str('Name of the store.', patterns.dnsSubdomain),
        kind: Type.Unsafe<'SecretStore' | 'ClusterSecretStore'>({ type: 'string', enum: ['SecretStore', 'ClusterSecretStore'], description: 'A SecretStore in the namespace or a ClusterSecretStore.' }),
      },
      { ...closed, description: 'The store the values are read from.' },
    ),
    refreshInterval: str('How often the operator reads the store again, e.g. 1h (Go duration).', '^([0-9]+(s|m|h))+$'),
    data: Type.Array(
      Type.Object(
        {
          secretKey: str('Key in the Secret.', SECRET_KEY),
          remoteKey: str('Key (path) in the store.', '^[A-Za-z0-9._/@:-]+$', { maxLength: 512 }),
          property: Type.Optional(str('Property of a structured remote value (JSON field).', '^[A-Za-z0-9._-]+$')),
          version: Type.Optional(str('Version of the remote value (pinned: changing it in values rolls the pods that read the Secret; without it the latest is read).', '^[A-Za-z0-9._-]+$')),
        },
        closed,
      ),
      { minItems: 1, description: 'The keys of the Secret and where each comes from.' },
    ),
  },
  { ...closed, description: 'An ExternalSecret (external-secrets.io/v1) writes the Secret.' },
);
const sealedSecret = Type.Object(
  {
    encryptedData: keyedMap(
      Type.String({ pattern: SECRET_KEY }),
      Type.String({ pattern: '^[A-Za-z0-9+/]+=*$', minLength: 32 }),
      'Ciphertext per key, as `kubeseal` writes it (base64); only the cluster’s sealed-secrets controller can decrypt it.',
    ),
    scope: Type.Optional(
      Type.Unsafe<'strict' | 'namespace-wide' | 'cluster-wide'>({
        type: 'string',
        enum: ['strict', 'namespace-wide', 'cluster-wide'],
        description:
          'The scope the ciphertext was sealed with (`kubeseal --scope`; default strict: bound to this name and namespace). namespace-wide lets the controller unseal it under another name in the namespace: what a migration hook’s copy of the Secret needs (README: Secrets).',
      }),
    ),
  },
  { ...closed, description: 'A SealedSecret (bitnami.com/v1alpha1), sealed for this Secret’s name and the environment’s namespace.' },
);
export const secretsSchema = keyedMap(
  // 253 less `-migration`: the migration hook's copy of a Secret it reads (lib/secrets/migration-copies.ts).
  Type.String({ pattern: patterns.dnsSubdomain, maxLength: 253 - '-migration'.length }),
  Type.Object({ externalSecret: Type.Optional(externalSecret), sealedSecret: Type.Optional(sealedSecret) }, { ...closed, description: 'Exactly one of externalSecret or sealedSecret (a cross-field rule).' }),
  'Secrets the platform makes for the application, by Secret name, without values in git (Secrets not listed here must exist).',
);
