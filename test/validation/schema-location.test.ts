/** kubeconform's -schema-location templates. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEMA_LOCATIONS, localSchemaLocations } from '../../lib/validation';
import { normalizeSchemaLocation, schemaPath } from '../../lib/validation/schema-location';

const fill = (location: string, kind: string, apiVersion: string, kubernetesVersion = '1.27.0') => schemaPath(normalizeSchemaLocation(location), { kind, apiVersion, kubernetesVersion });

describe('schema locations', () => {
  it('computes KindSuffix from the first label of the group, as kubeconform does', () => {
    const template = 's/{{ .ResourceKind }}{{ .KindSuffix }}.json';
    expect(fill(template, 'Deployment', 'apps/v1')).toBe('s/deployment-apps-v1.json');
    expect(fill(template, 'Ingress', 'networking.k8s.io/v1')).toBe('s/ingress-networking-v1.json');
    expect(fill(template, 'HorizontalPodAutoscaler', 'autoscaling/v2')).toBe('s/horizontalpodautoscaler-autoscaling-v2.json');
    expect(fill(template, 'PodDisruptionBudget', 'policy/v1')).toBe('s/poddisruptionbudget-policy-v1.json');
    expect(fill(template, 'ConfigMap', 'v1')).toBe('s/configmap-v1.json');
  });

  it('fills every placeholder', () => {
    const template = '{{ .NormalizedKubernetesVersion }}{{ .StrictSuffix }}|{{ .Group }}|{{ .ResourceKind }}|{{ .ResourceAPIVersion }}.json';
    expect(fill(template, 'ServiceMonitor', 'monitoring.coreos.com/v1', '1.33.0')).toBe('v1.33.0-strict|monitoring.coreos.com|servicemonitor|v1.json');
    expect(fill(template, 'Service', 'v1', 'master')).toBe('master-strict|v1|service|v1.json');
  });

  it('treats a location that does not end in json as a folder in the kubernetes-json-schema layout', () => {
    expect(fill('/schemas', 'Deployment', 'apps/v1')).toBe('/schemas/v1.27.0-standalone-strict/deployment-apps-v1.json');
    expect(fill('https://example.com/schemas/', 'Service', 'v1')).toBe('https://example.com/schemas/v1.27.0-standalone-strict/service-v1.json');
    expect(normalizeSchemaLocation('default')).toBe(DEFAULT_SCHEMA_LOCATIONS[0]);
  });

  it('gives the two templates of a local schema copy', () => {
    const [kubernetes, crds] = localSchemaLocations('../shared/kubernetes-json-schema');
    expect(schemaPath(kubernetes, { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', kubernetesVersion: '1.33.0' })).toBe(
      '../shared/kubernetes-json-schema/v1.33.0-standalone-strict/networkpolicy-networking-v1.json',
    );
    expect(schemaPath(crds, { kind: 'PrometheusRule', apiVersion: 'monitoring.coreos.com/v1', kubernetesVersion: '1.33.0' })).toBe(
      '../shared/kubernetes-json-schema/crds/monitoring.coreos.com/prometheusrule_v1.json',
    );
  });
});
