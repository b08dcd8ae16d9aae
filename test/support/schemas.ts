/**
 * Where the tests find Kubernetes and CRD JSON schemas: KUBE_SCHEMA_LOCATION when set (comma- or
 * newline-separated kubeconform locations, e.g. `default` for the public ones, as the GitHub workflow
 * does), otherwise the offline copy in ../shared/kubernetes-json-schema (this machine and .ci/run).
 */
import { join } from 'node:path';
import { localSchemaLocations } from '../../lib/validation';
import { projectRoot } from './helm';

export const offlineSchemaRoot = join(projectRoot, '..', 'shared', 'kubernetes-json-schema');

export const schemaLocations: string[] = process.env.KUBE_SCHEMA_LOCATION
  ? process.env.KUBE_SCHEMA_LOCATION.split(/[,\n]/)
      .map((l) => l.trim())
      .filter(Boolean)
  : localSchemaLocations(offlineSchemaRoot);
