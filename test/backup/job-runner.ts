/**
 * Runs the pod of a synthesized backup CronJob on this machine, as the kubelet would run it: the init
 * containers, then the container, each with the command and environment the manifest gives (Secret
 * references resolved from the given Secrets), the ConfigMap's script where the pod mounts it, and
 * each volume a host folder at its mount path. Nothing of the script or the environment is changed:
 * only the mount paths are mapped to the folders. The first container that fails fails the pod.
 */
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { K8sObject } from '../support/dist';
import { type RunResult, processUser, run } from './postgres-server';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}
interface Container {
  name: string;
  command: string[];
  env: EnvVar[];
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  initContainers: Container[];
  containers: Container[];
  volumes: Array<{ name: string; configMap?: { name: string } }>;
}

/** The pod template of a CronJob. */
export function podSpec(cronJob: K8sObject): PodSpec {
  return (cronJob as unknown as { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } }).spec.jobTemplate.spec.template.spec;
}

export interface PodRun {
  /** The exit code of the first container that failed, or 0. */
  readonly status: number;
  /** Output of every container that ran, in order. */
  readonly log: string;
  /** Names of the containers that ran. */
  readonly ran: string[];
}

/**
 * Runs `cronJob`'s pod. `volumes` maps volume names to host folders (created, owned by the processes'
 * user); a configMap volume is filled from `configMaps`. `extraPath` goes first on PATH (the images'
 * tools: PostgreSQL's bin folder, rclone).
 */
export async function runBackupPod(options: {
  cronJob: K8sObject;
  configMaps: readonly K8sObject[];
  secrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  volumes: Readonly<Record<string, string>>;
  path: string;
}): Promise<PodRun> {
  const spec = podSpec(options.cronJob);
  const user = processUser();
  for (const volume of spec.volumes) {
    const dir = options.volumes[volume.name];
    expect(dir, `a host folder for volume ${volume.name}`).toBeDefined();
    mkdirSync(dir, { recursive: true });
    if (user) chownSync(dir, user.uid, user.gid);
    if (volume.configMap) {
      const configMap = options.configMaps.find((c) => c.metadata.name === volume.configMap?.name);
      expect(configMap, `ConfigMap ${volume.configMap.name}`).toBeDefined();
      for (const [key, text] of Object.entries((configMap as unknown as { data: Record<string, string> }).data)) writeFileSync(join(dir, key), text);
    }
  }
  let log = '';
  const ran: string[] = [];
  for (const container of [...spec.initContainers, ...spec.containers]) {
    const mapPath = (text: string) => {
      for (const mount of container.volumeMounts) {
        if (text === mount.mountPath || text.startsWith(`${mount.mountPath}/`)) return options.volumes[mount.name] + text.slice(mount.mountPath.length);
      }
      return text;
    };
    const env: Record<string, string> = { PATH: options.path, LC_ALL: 'C' };
    for (const variable of container.env) {
      if (variable.valueFrom) {
        const { name, key } = variable.valueFrom.secretKeyRef;
        const value = options.secrets[name]?.[key];
        expect(value, `Secret ${name} key ${key}`).toBeDefined();
        env[variable.name] = value as string;
      } else {
        env[variable.name] = mapPath(variable.value ?? '');
      }
    }
    const [command, ...args] = container.command.map(mapPath);
    const result: RunResult = await run(command, args, env);
    ran.push(container.name);
    log += `--- ${container.name} (exit ${result.status})\n${result.stdout}${result.stderr}`;
    if (result.status !== 0) return { status: result.status, log, ran };
  }
  return { status: 0, log, ran };
}
