/**
 * The Secrets an application's values declare under `secrets` (lib/secrets/values-schema.ts), made
 * without a value in git: per declared name, an ExternalSecret (`externalsecret-<name>.yaml`) or a
 * SealedSecret (`sealedsecret-<name>.yaml`), whichever the values give, named like the Secret it writes.
 *
 * Rolling on a new secret version: the pod template of the Deployment carries `checksum/secrets`, a
 * digest of the `secrets` values (lib/app/workload.ts), so a pinned remote `version` or new ciphertext
 * committed to values rolls the pods in both outputs. A secret rotated in the store without a pinned
 * version reaches the Secret within `refreshInterval` but not running pods (environment variables are
 * read at start); the README says how to roll then.
 *
 * A SealedSecret carries its sealing scope (`sealedSecret.scope`) as the annotation the controller reads
 * (sealed-secrets README, Scopes: `sealedsecrets.bitnami.com/namespace-wide` or `/cluster-wide`).
 */
import { Construct } from 'constructs';
import { SealedSecret } from '../../imports/bitnami.com';
import { ExternalSecret } from '../../imports/external-secrets.io';
import { commonLabels } from '../app/names';
import type { AppObjectProps } from '../app/props';
import { TemplatedObject } from '../chart/templated-object';
import { type Expr, eq, release, withDefault } from '../template/expr';
import { type Refs, each, when } from '../template/manifest';
import type { AppValues } from '../values/schema';

export interface SecretSourcesProps extends AppObjectProps {
  /** The Secret names of `secrets` (from the base values: the chart has objects per name). */
  readonly secretNames: readonly string[];
}

type SecretSource = AppValues['secrets'][string];

/** Metadata of a secret source or its copy: `name` (the Secret it writes), labels, and `annotations` beside the sealing scope's. */
interface SourceMetadata {
  readonly name: Expr<string> | string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The ExternalSecret manifest writing Secret `name` from `source.externalSecret`. */
export function externalSecretManifest(v: Refs<AppValues>, source: Refs<SecretSource>, metadata: SourceMetadata) {
  const external = source.externalSecret;
  return {
    metadata: { name: metadata.name, namespace: release.namespace, labels: commonLabels(v), ...(metadata.annotations ? { annotations: metadata.annotations } : {}) },
    spec: {
      secretStoreRef: { name: external.storeRef.name, kind: external.storeRef.kind },
      refreshInterval: external.refreshInterval,
      // The operator owns the Secret it writes; removing the ExternalSecret keeps the Secret (running pods still read it).
      target: { name: metadata.name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [
        each(external.data, 'entry', (entry) => ({
          secretKey: entry.secretKey,
          remoteRef: { key: entry.remoteKey, property: when(entry.property, entry.property), version: when(entry.version, entry.version) },
        })),
      ],
    },
  } as const;
}

/** The SealedSecret manifest writing Secret `name` from `source.sealedSecret`, with its scope's annotation. */
export function sealedSecretManifest(v: Refs<AppValues>, source: Refs<SecretSource>, metadata: SourceMetadata) {
  const scope = withDefault(source.sealedSecret.scope, 'strict');
  return {
    metadata: {
      name: metadata.name,
      namespace: release.namespace,
      labels: commonLabels(v),
      annotations: {
        ...metadata.annotations,
        'sealedsecrets.bitnami.com/namespace-wide': when(eq(scope, 'namespace-wide'), 'true'),
        'sealedsecrets.bitnami.com/cluster-wide': when(eq(scope, 'cluster-wide'), 'true'),
      },
    },
    spec: {
      encryptedData: source.sealedSecret.encryptedData,
      template: { metadata: { name: metadata.name, namespace: release.namespace, labels: commonLabels(v) } },
    },
  };
}

export class SecretSources extends Construct {
  constructor(scope: Construct, id: string, props: SecretSourcesProps) {
    super(scope, id);
    const v = props.values;
    for (const name of props.secretNames) {
      const source = v.secrets[name];
      new TemplatedObject(this, `ExternalSecret-${name}`, {
        type: ExternalSecret,
        template: `externalsecret-${name}.yaml`,
        condition: source.externalSecret,
        manifest: externalSecretManifest(v, source, { name }),
      });
      new TemplatedObject(this, `SealedSecret-${name}`, {
        type: SealedSecret,
        template: `sealedsecret-${name}.yaml`,
        condition: source.sealedSecret,
        manifest: sealedSecretManifest(v, source, { name }),
      });
    }
  }
}
