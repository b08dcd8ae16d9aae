import type { k8s } from 'cdk8s-plus-27';
import type { ObjectFields } from '../template/typed';

/**
 * Pod Security Standard "restricted" settings shared by every container of the platform. An object
 * (`ObjectFields`, not `Manifest`, which admits an expression too): a container may spread it.
 */
export const RESTRICTED_CONTAINER: ObjectFields<k8s.SecurityContext> = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
