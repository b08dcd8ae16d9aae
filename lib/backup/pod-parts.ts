/**
 * What the backup pods (lib/backup/postgresql-backup.ts) and the restore-drill pods
 * (lib/backup/restore-drill.ts) of a database share: labels, mounts, the folder of its dumps and how
 * rclone reaches it (bucket settings, encryption keys). Both pods run the one generated script
 * (lib/backup/script.ts) from the ConfigMap `<fullname>-backup-script`.
 */
import { nameLabelWith, names } from '../app/names';
import { RESTRICTED_CONTAINER } from '../chart/pod-security';
import { helmOnly } from '../chart/templated-object';
import { type Expr, and, eq, fmt, release } from '../template/expr';
import { quantities } from '../template/functions';
import type { Refs } from '../template/manifest';
import { when } from '../template/manifest';
import type { AppValues } from '../values/schema';
import { backupFolderOf } from './location';

/** Where the pods mount the script, the scratch volume and the backup volume. */
const SCRIPT_DIR = '/opt/backup';
const WORK_DIR = '/var/backup/work';
export const VOLUME_DIR = '/var/backup/store';

/** The steps of the script (lib/backup/script.ts), one per container. */
export type ScriptStep = 'dump' | 'store' | 'fetch' | 'restore';

/**
 * A container running one step of the script: restricted, with the given resources, its database's
 * name, the scratch folder, a writable /tmp and the script mounted; `env` and `mounts` are added.
 */
export function scriptContainer<const E extends readonly unknown[], const M extends readonly unknown[]>(
  step: ScriptStep,
  image: Expr<string>,
  resources: Refs<AppValues['backups']['resources']>,
  database: string,
  env: E,
  mounts: M,
) {
  return {
    name: step,
    image,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', `${SCRIPT_DIR}/backup.sh`, step],
    resources: quantities(resources),
    securityContext: RESTRICTED_CONTAINER,
    env: [{ name: 'BACKUP_NAME', value: database }, { name: 'BACKUP_WORK_DIR', value: WORK_DIR }, { name: 'HOME', value: '/tmp' }, ...env],
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'work', mountPath: WORK_DIR }, { name: 'script', mountPath: SCRIPT_DIR, readOnly: true }, ...mounts],
  } as const;
}

/** The two kinds of pod: `app.kubernetes.io/name` is `<name>-backup` or `<name>-drill`, never the application's. */
export type BackupPodKind = 'backup' | 'drill';

const COMPONENTS: Record<BackupPodKind, string> = { backup: 'database-backup', drill: 'restore-drill' };

/** The labels of the objects and pods of one kind (of one database when given). */
export function backupLabels(v: Refs<AppValues>, kind: BackupPodKind, database?: string) {
  return {
    'app.kubernetes.io/name': nameLabelWith(kind),
    'app.kubernetes.io/instance': release.name,
    'app.kubernetes.io/version': v.backups.images.postgresql.tag,
    'app.kubernetes.io/component': COMPONENTS[kind],
    'app.kubernetes.io/part-of': v.partOf,
    'app.kubernetes.io/managed-by': release.service,
    ...(database === undefined ? {} : { 'backup.platform.example/database': database }),
    'helm.sh/chart': helmOnly(names.chart),
  };
}

/** The selector of one database's pods of one kind (its NetworkPolicy's). */
export function backupSelector(kind: BackupPodKind, database: string) {
  return { 'app.kubernetes.io/name': nameLabelWith(kind), 'app.kubernetes.io/instance': release.name, 'backup.platform.example/database': database };
}

/** Conditions on the destination and the encryption. */
export function destinationOf(v: Refs<AppValues>) {
  const b = v.backups;
  return {
    s3: eq(b.destination.type, 's3'),
    pvc: eq(b.destination.type, 'pvc'),
    crypt: eq(b.encryption.type, 'crypt'),
    serverSide: eq(b.encryption.type, 'serverSide'),
  };
}

/**
 * The folder of the database's dumps as people read it (the CronJobs' `backup.platform.example/location`
 * annotation, the runbook): `s3://<bucket>/<folder>/` or `pvc://<claim>/<folder>/`.
 */
export function locationAnnotation(v: Refs<AppValues>, database: string) {
  const { s3 } = destinationOf(v);
  const folder = backupFolderOf(v, database);
  return { 'backup.platform.example/location': when(s3, fmt`s3://${v.backups.destination.s3.bucket}/${folder}/`, fmt`pvc://${v.backups.destination.pvc.claimName}/${folder}/`) };
}

/**
 * The rclone container's variables: the database's folder (`BACKUP_TARGET`), the bucket's settings and
 * credentials, the encryption and its keys. `store` adds the server-side encryption request headers
 * (uploads only; S3 decrypts on download by itself).
 */
export function rcloneEnv(v: Refs<AppValues>, database: string, step: 'store' | 'fetch') {
  const b = v.backups;
  const { s3, pvc, crypt, serverSide } = destinationOf(v);
  const folder = backupFolderOf(v, database);
  const secretEnv = (name: string, secret: Expr<string>, key: Expr<string>) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
  return [
    when(pvc, { name: 'BACKUP_TARGET', value: fmt`${VOLUME_DIR}/${folder}` }),
    when(s3, { name: 'BACKUP_TARGET', value: fmt`:s3:${b.destination.s3.bucket}/${folder}` }),
    { name: 'BACKUP_ENCRYPTION', value: b.encryption.type },
    when(crypt, secretEnv('BACKUP_CRYPT_PASSWORD', b.encryption.crypt.secret.name, b.encryption.crypt.secret.passwordKey)),
    when(and(crypt, b.encryption.crypt.secret.saltKey), secretEnv('BACKUP_CRYPT_SALT', b.encryption.crypt.secret.name, b.encryption.crypt.secret.saltKey)),
    { name: 'RCLONE_CONFIG', value: '/tmp/rclone.conf' },
    when(s3, { name: 'RCLONE_S3_PROVIDER', value: 'Other' }),
    when(s3, { name: 'RCLONE_S3_ENDPOINT', value: b.destination.s3.endpoint }),
    when(s3, { name: 'RCLONE_S3_REGION', value: b.destination.s3.region }),
    when(s3, { name: 'RCLONE_S3_FORCE_PATH_STYLE', value: 'true' }),
    when(s3, { name: 'RCLONE_S3_NO_CHECK_BUCKET', value: 'true' }),
    when(s3, secretEnv('RCLONE_S3_ACCESS_KEY_ID', b.destination.s3.credentialsSecret.name, b.destination.s3.credentialsSecret.accessKeyIdKey)),
    when(s3, secretEnv('RCLONE_S3_SECRET_ACCESS_KEY', b.destination.s3.credentialsSecret.name, b.destination.s3.credentialsSecret.secretAccessKeyKey)),
    ...(step === 'store'
      ? [
          when(serverSide, { name: 'RCLONE_S3_SERVER_SIDE_ENCRYPTION', value: b.encryption.serverSide.algorithm }),
          when(and(serverSide, b.encryption.serverSide.kmsKeyId), { name: 'RCLONE_S3_SSE_KMS_KEY_ID', value: b.encryption.serverSide.kmsKeyId }),
        ]
      : []),
  ];
}
