/** The parts of a pod spec the policies read. Every field is optional: documents are checked as they are. */

export interface SecurityContext {
  readonly runAsNonRoot?: unknown;
  readonly runAsUser?: unknown;
  readonly privileged?: unknown;
  readonly allowPrivilegeEscalation?: unknown;
  readonly procMount?: unknown;
  readonly capabilities?: { readonly add?: unknown; readonly drop?: unknown };
  readonly seccompProfile?: { readonly type?: unknown };
  readonly appArmorProfile?: { readonly type?: unknown };
  readonly seLinuxOptions?: { readonly type?: unknown; readonly user?: unknown; readonly role?: unknown };
  readonly windowsOptions?: { readonly hostProcess?: unknown };
  readonly sysctls?: unknown;
}

export interface Container {
  readonly name?: string;
  readonly image?: unknown;
  readonly securityContext?: SecurityContext;
  readonly ports?: unknown;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, unknown>>;
    readonly limits?: Readonly<Record<string, unknown>>;
  };
  readonly livenessProbe?: unknown;
  readonly readinessProbe?: unknown;
}

export interface PodSpec {
  readonly hostNetwork?: unknown;
  readonly hostPID?: unknown;
  readonly hostIPC?: unknown;
  readonly securityContext?: SecurityContext;
  readonly containers?: unknown;
  readonly initContainers?: unknown;
  readonly ephemeralContainers?: unknown;
  readonly volumes?: unknown;
}

export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';
