/**
 * Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
 * Every pod must meet `restricted`, unless the manifests hold its Namespace and that Namespace enforces
 * `baseline` or `privileged` with the `pod-security.kubernetes.io/enforce` label: the exception is
 * declared where the cluster enforces it, and then checked at that level.
 */
import type { FieldPath } from '../field-path';
import type { Finding } from '../finding';
import { isKubernetesObject, type ManifestDocument, namespaceOf, objectsIn } from '../kubernetes-object';
import type { SecurityContext } from './pod-spec';
import { containersOf, type PodTemplate } from './pod-templates';
import { policyFinding } from './policy-finding';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** Capabilities `baseline` lets containers add. */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const RESTRICTED_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

/** Namespaced sysctls isolated between pods, the only ones `baseline` allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const APPARMOR_PROFILE_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const RESTRICTED_SECCOMP_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** The level each Namespace in the manifests enforces; namespaces not in the manifests get `restricted`. */
export function enforcedLevels(documents: readonly ManifestDocument[]): Map<string, PodSecurityLevel> {
  const levels = new Map<string, PodSecurityLevel>();
  for (const { doc } of documents) {
    if (!isKubernetesObject(doc) || doc.kind !== 'Namespace' || typeof doc.metadata?.name !== 'string') continue;
    const declared = doc.metadata.labels?.[ENFORCE_LABEL];
    levels.set(doc.metadata.name, declared === 'baseline' || declared === 'privileged' ? declared : 'restricted');
  }
  return levels;
}

export function checkPodSecurity(template: PodTemplate, levels: ReadonlyMap<string, PodSecurityLevel>): Finding[] {
  const level = levels.get(namespaceOf(template.object)) ?? 'restricted';
  if (level === 'privileged') return [];
  const findings: Finding[] = [];
  const report = (path: FieldPath, message: string) => findings.push(policyFinding(template, path, `Pod Security ${level}: ${message}`));
  checkBaseline(template, level, report);
  if (level === 'restricted') checkRestricted(template, report);
  return findings;
}

type Report = (path: FieldPath, message: string) => void;

function checkBaseline(template: PodTemplate, level: PodSecurityLevel, report: Report): void {
  const { spec, specPath } = template;
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field] === true) report([...specPath, field], `${field} must not be true`);
  }
  const podContextPath = [...specPath, 'securityContext'];
  checkSecurityContext(spec.securityContext, podContextPath, 'the pod', level, report);
  for (const { item: sysctl, index } of objectsIn<{ name?: unknown }>(spec.securityContext?.sysctls)) {
    if (!SAFE_SYSCTLS.has(String(sysctl.name))) report([...podContextPath, 'sysctls', index, 'name'], `sysctl ${String(sysctl.name)} is not in the safe set`);
  }
  for (const { item: volume, index } of objectsIn<{ name?: unknown; hostPath?: unknown }>(spec.volumes)) {
    if (volume.hostPath !== undefined) report([...specPath, 'volumes', index, 'hostPath'], `volume "${String(volume.name)}": hostPath volumes are not allowed`);
  }
  const allowedCapabilities = level === 'restricted' ? RESTRICTED_CAPABILITIES : BASELINE_CAPABILITIES;
  for (const { container, path, label } of containersOf(template)) {
    const context = container.securityContext;
    const contextPath = [...path, 'securityContext'];
    checkSecurityContext(context, contextPath, label, level, report);
    if (context?.privileged === true) report([...contextPath, 'privileged'], `${label}: privileged must not be true`);
    if (context?.procMount !== undefined && context.procMount !== 'Default') report([...contextPath, 'procMount'], `${label}: procMount must be Default`);
    for (const [index, capability] of stringsIn(context?.capabilities?.add)) {
      if (!allowedCapabilities.has(capability)) {
        report([...contextPath, 'capabilities', 'add', index], `${label}: adding capability ${capability} is not allowed (allowed: ${[...allowedCapabilities].join(', ')})`);
      }
    }
    for (const { item: port, index } of objectsIn<{ hostPort?: unknown }>(container.ports)) {
      if (port.hostPort !== undefined && port.hostPort !== 0) report([...path, 'ports', index, 'hostPort'], `${label}: hostPort must not be set`);
    }
    const appArmorAnnotation = `container.apparmor.security.beta.kubernetes.io/${String(container.name)}`;
    const appArmor = template.annotations[appArmorAnnotation];
    if (appArmor !== undefined && appArmor !== 'runtime/default' && !appArmor.startsWith('localhost/')) {
      report([...template.metadataPath, 'annotations', appArmorAnnotation], `${label}: AppArmor profile ${appArmor} is not allowed (runtime/default or localhost/*)`);
    }
  }
}

/** The baseline rules shared by the pod's and each container's security context. */
function checkSecurityContext(context: SecurityContext | undefined, path: FieldPath, label: string, level: PodSecurityLevel, report: Report): void {
  if (context?.windowsOptions?.hostProcess === true) report([...path, 'windowsOptions', 'hostProcess'], `${label}: hostProcess must not be true`);
  // `restricted` has its stricter seccomp rule (checkRestricted), which also rejects Unconfined.
  if (level === 'baseline' && context?.seccompProfile?.type === 'Unconfined') report([...path, 'seccompProfile', 'type'], `${label}: seccomp profile must not be Unconfined`);
  const appArmorType = context?.appArmorProfile?.type;
  if (appArmorType !== undefined && !APPARMOR_PROFILE_TYPES.has(String(appArmorType))) {
    report([...path, 'appArmorProfile', 'type'], `${label}: AppArmor profile must be RuntimeDefault or Localhost, not ${String(appArmorType)}`);
  }
  const seLinux = context?.seLinuxOptions;
  if (seLinux?.type !== undefined && seLinux.type !== '' && !SELINUX_TYPES.has(String(seLinux.type))) {
    report([...path, 'seLinuxOptions', 'type'], `${label}: SELinux type ${String(seLinux.type)} is not allowed (allowed: ${[...SELINUX_TYPES].join(', ')})`);
  }
  for (const field of ['user', 'role'] as const) {
    if (seLinux?.[field] !== undefined && seLinux[field] !== '') report([...path, 'seLinuxOptions', field], `${label}: SELinux ${field} must not be set`);
  }
}

function checkRestricted(template: PodTemplate, report: Report): void {
  const { spec, specPath } = template;
  const podContext = spec.securityContext;
  const podContextPath = [...specPath, 'securityContext'];
  for (const { item: volume, index } of objectsIn<Record<string, unknown>>(spec.volumes)) {
    const types = Object.keys(volume).filter((key) => key !== 'name' && !RESTRICTED_VOLUME_TYPES.has(key));
    // hostPath is already reported by the baseline rules.
    for (const type of types.filter((t) => t !== 'hostPath')) {
      report([...specPath, 'volumes', index, type], `volume "${String(volume.name)}": volume type ${type} is not allowed (allowed: ${[...RESTRICTED_VOLUME_TYPES].join(', ')})`);
    }
  }
  const podRunsAsNonRoot = podContext?.runAsNonRoot === true;
  const podSeccompAllowed = RESTRICTED_SECCOMP_TYPES.has(String(podContext?.seccompProfile?.type));
  if (podContext?.runAsUser === 0) report([...podContextPath, 'runAsUser'], 'the pod: runAsUser must not be 0 (root)');
  if (podContext?.seccompProfile?.type !== undefined && !podSeccompAllowed) {
    report([...podContextPath, 'seccompProfile', 'type'], `the pod: seccomp profile must be RuntimeDefault or Localhost (got ${String(podContext.seccompProfile.type)})`);
  }
  for (const { container, path, label } of containersOf(template)) {
    const context = container.securityContext;
    const contextPath = [...path, 'securityContext'];
    if (context?.allowPrivilegeEscalation !== false) report([...contextPath, 'allowPrivilegeEscalation'], `${label}: allowPrivilegeEscalation must be false`);
    const drop = [...stringsIn(context?.capabilities?.drop).values()];
    if (!drop.includes('ALL')) report([...contextPath, 'capabilities', 'drop'], `${label}: capabilities must drop ALL`);
    if (context?.runAsNonRoot === false || (!podRunsAsNonRoot && context?.runAsNonRoot !== true)) {
      report([...contextPath, 'runAsNonRoot'], `${label}: runAsNonRoot must be true (on the pod or on every container)`);
    }
    if (context?.runAsUser === 0) report([...contextPath, 'runAsUser'], `${label}: runAsUser must not be 0 (root)`);
    const seccompType = context?.seccompProfile?.type;
    if (seccompType !== undefined ? !RESTRICTED_SECCOMP_TYPES.has(String(seccompType)) : !podSeccompAllowed) {
      const got = seccompType === undefined ? 'unset' : `got ${String(seccompType)}`;
      report([...contextPath, 'seccompProfile', 'type'], `${label}: seccomp profile must be RuntimeDefault or Localhost, on the pod or on every container (${got})`);
    }
  }
}

/** The strings of a list field, with their indexes. */
function stringsIn(value: unknown): Map<number, string> {
  const strings = new Map<number, string>();
  if (Array.isArray(value)) {
    value.forEach((item: unknown, index) => {
      if (typeof item === 'string') strings.set(index, item);
    });
  }
  return strings;
}
