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
 */
import { Construct } from 'constructs';
import { SealedSecret } from '../../imports/bitnami.com';
import { ExternalSecret } from '../../imports/external-secrets.io';
import { commonLabels } from '../app/names';
import type { AppObjectProps } from '../app/props';
import { TemplatedObject } from '../chart/templated-object';
import { release } from '../template/expr';
import { each, when } from '../template/manifest';

export interface SecretSourcesProps extends AppObjectProps {
  /** The Secret names of `secrets` (from the base values: the chart has objects per name). */
  readonly secretNames: readonly string[];
}

export class SecretSources extends Construct {
  constructor(scope: Construct, id: string, props: SecretSourcesProps) {
    super(scope, id);
    const v = props.values;
    for (const name of props.secretNames) {
      const source = v.secrets[name];
      const external = source.externalSecret;
      new TemplatedObject(this, `ExternalSecret-${name}`, {
        type: ExternalSecret,
        template: `externalsecret-${name}.yaml`,
        condition: external,
        manifest: {
          metadata: { name, namespace: release.namespace, labels: commonLabels(v) },
          spec: {
            secretStoreRef: { name: external.storeRef.name, kind: external.storeRef.kind },
            refreshInterval: external.refreshInterval,
            // The operator owns the Secret it writes; removing the ExternalSecret keeps the Secret (running pods still read it).
            target: { name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
            data: [
              each(external.data, 'entry', (entry) => ({
                secretKey: entry.secretKey,
                remoteRef: { key: entry.remoteKey, property: when(entry.property, entry.property), version: when(entry.version, entry.version) },
              })),
            ],
          },
        },
      });
      new TemplatedObject(this, `SealedSecret-${name}`, {
        type: SealedSecret,
        template: `sealedsecret-${name}.yaml`,
        condition: source.sealedSecret,
        manifest: {
          metadata: { name, namespace: release.namespace, labels: commonLabels(v) },
          spec: {
            encryptedData: source.sealedSecret.encryptedData,
            template: { metadata: { name, namespace: release.namespace, labels: commonLabels(v) } },
          },
        },
      });
    }
  }
}
