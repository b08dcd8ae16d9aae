/** Strict schema validation against the offline kubeconform-layout schemas, for 1.27.0 and 1.33.0. */
import { describe, expect, it } from 'vitest';
import { validateManifests, ValidationConfigurationError } from '../../lib/validation';
import { fixture, lines, schemaLocations } from './helpers';

const schemaErrorsOf = async (...paths: string[]) => lines((await validateManifests(await fixture(...paths), { schemaLocations, policy: false })).schemaErrors);

describe('schema validation', () => {
  it('accepts the valid fixtures for both Kubernetes versions', async () => {
    const documents = await fixture('valid');
    const result = await validateManifests(documents, { schemaLocations });
    expect(lines(result.schemaErrors)).toEqual([]);
    expect(result.documents).toBe(9);
  });

  it('names an unknown field, for each version', async () => {
    expect(await schemaErrorsOf('schema/unknown-field.yaml')).toEqual([
      'schema/unknown-field.yaml: Service/shop/web (Kubernetes 1.27.0): spec.ports[0].protocoll: unknown field "protocoll"',
      'schema/unknown-field.yaml: Service/shop/web (Kubernetes 1.33.0): spec.ports[0].protocoll: unknown field "protocoll"',
    ]);
  });

  it('reports wrong types, int-or-string fields included', async () => {
    expect(await schemaErrorsOf('schema/wrong-type.yaml')).toEqual(
      ['1.27.0', '1.33.0'].flatMap((version) => [
        `schema/wrong-type.yaml: Deployment/shop/web (Kubernetes ${version}): spec.replicas: expected integer, got "two"`,
        `schema/wrong-type.yaml: Deployment/shop/web (Kubernetes ${version}): spec.strategy.rollingUpdate.maxSurge: expected string or integer, got true`,
      ]),
    );
  });

  it('reports missing required fields at their path', async () => {
    expect(await schemaErrorsOf('schema/missing-required.yaml')).toEqual(
      ['1.27.0', '1.33.0'].flatMap((version) => [
        `schema/missing-required.yaml: Deployment/shop/web (Kubernetes ${version}): spec.selector: required field "selector" is missing`,
        `schema/missing-required.yaml: Deployment/shop/web (Kubernetes ${version}): spec.template.spec.containers[0].name: required field "name" is missing`,
      ]),
    );
  });

  it('reports errors in repeated parts of a schema (containers, probes) at their own path', async () => {
    const container = (extra: object) => ({ name: 'app', image: 'ghcr.io/example/app:1.0.0', ...extra });
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            initContainers: [container({ command: 'migrate' })],
            containers: [container({ livenessProbe: { httpGet: { port: 8080 } }, readinessProbe: { httpGet: { port: true } } }), container({ startupProbe: { tcpSocket: { port: 'http', host: 1 } } })],
          },
        },
      },
    };
    const result = await validateManifests([{ file: 'web.yaml', doc: deployment }], { schemaLocations, kubernetesVersions: ['1.33.0'], policy: false });
    expect(lines(result.schemaErrors)).toEqual([
      'web.yaml: Deployment/shop/web (Kubernetes 1.33.0): spec.template.spec.containers[0].readinessProbe.httpGet.port: expected string or integer, got true',
      'web.yaml: Deployment/shop/web (Kubernetes 1.33.0): spec.template.spec.containers[1].startupProbe.tcpSocket.host: expected string, got 1',
      'web.yaml: Deployment/shop/web (Kubernetes 1.33.0): spec.template.spec.initContainers[0].command: expected array, got "migrate"',
    ]);
  });

  it('reports APIs and fields for the Kubernetes version that lacks them', async () => {
    const errors = await schemaErrorsOf('schema/versions.yaml');
    const looked = (version: string, file: string) => expect.stringContaining(`v${version}-standalone-strict/${file}`);
    expect(errors).toEqual([
      expect.stringMatching(/^schema\/versions\.yaml: FlowSchema\/old \(Kubernetes 1\.33\.0\): no schema for FlowSchema flowcontrol\.apiserver\.k8s\.io\/v1beta2 \(looked in: /),
      expect.stringMatching(/^schema\/versions\.yaml: FlowSchema\/new \(Kubernetes 1\.27\.0\): no schema for FlowSchema flowcontrol\.apiserver\.k8s\.io\/v1 \(looked in: /),
      'schema/versions.yaml: Service/shop/web (Kubernetes 1.27.0): spec.trafficDistribution: unknown field "trafficDistribution"',
      expect.stringMatching(/^schema\/versions\.yaml: HorizontalPodAutoscaler\/shop\/web \(Kubernetes 1\.27\.0\): no schema for HorizontalPodAutoscaler autoscaling\/v2beta2/),
      expect.stringMatching(/^schema\/versions\.yaml: HorizontalPodAutoscaler\/shop\/web \(Kubernetes 1\.33\.0\): no schema for HorizontalPodAutoscaler autoscaling\/v2beta2/),
    ]);
    // Both locations were tried, in order, with kubeconform's file names.
    expect(errors[0]).toEqual(looked('1.33.0', 'flowschema-flowcontrol-v1beta2.json'));
    expect(errors[0]).toContain('crds/flowcontrol.apiserver.k8s.io/flowschema_v1beta2.json');
  });

  it('validates custom resources against their CRD schema', async () => {
    expect(await schemaErrorsOf('schema/crd-errors.yaml')).toEqual([
      ...['1.27.0', '1.33.0'].map((version) => `schema/crd-errors.yaml: ServiceMonitor/shop/web (Kubernetes ${version}): spec.endpoints[0].intervall: unknown field "intervall"`),
      ...['1.27.0', '1.33.0'].flatMap((version) => [
        // The CRD's Go pattern ^(?i)(abort|warn)?$ is case-insensitive: valid/monitoring.yaml passes with Warn.
        `schema/crd-errors.yaml: PrometheusRule/shop/web (Kubernetes ${version}): spec.groups[0].partial_response_strategy: expected a value matching ^(?i)(abort|warn)?$, got "ignore"`,
        `schema/crd-errors.yaml: PrometheusRule/shop/web (Kubernetes ${version}): spec.groups[0].rules[0].labels: expected object, got "critical"`,
      ]),
    ]);
  });

  it('reports a document without kind or apiVersion, and one that is not a mapping', async () => {
    const result = await validateManifests(
      [
        { file: 'a.yaml', doc: { apiVersion: 'v1', metadata: { name: 'x' } } },
        { file: 'b.yaml', doc: ['not', 'an', 'object'] },
      ],
      { schemaLocations, policy: false },
    );
    expect(lines(result.schemaErrors)).toEqual([
      'a.yaml: <no kind>/default/x: kind: required field "kind" is missing',
      'b.yaml: not a Kubernetes object: expected a mapping with apiVersion and kind, got a list',
    ]);
  });

  it('validates only the requested Kubernetes versions', async () => {
    const result = await validateManifests(await fixture('schema/unknown-field.yaml'), { schemaLocations, kubernetesVersions: ['v1.33.0'], policy: false });
    expect(lines(result.schemaErrors)).toEqual(['schema/unknown-field.yaml: Service/shop/web (Kubernetes 1.33.0): spec.ports[0].protocoll: unknown field "protocoll"']);
  });

  it('rejects a malformed Kubernetes version or location template before validating', async () => {
    await expect(validateManifests([], { schemaLocations, kubernetesVersions: ['1.27'] })).rejects.toThrow(ValidationConfigurationError);
    await expect(validateManifests([], { schemaLocations: ['/schemas/{{ .Kind }}.json'] })).rejects.toThrow(/unknown placeholder \{\{ \.Kind \}\}/);
  });
});
