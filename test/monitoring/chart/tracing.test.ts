/**
 * The stack's trace endpoint (lib/monitoring/stack/tracing.ts): an OpenTelemetry Collector receiving
 * OTLP and exporting to Tempo, which Grafana queries and Prometheus scrapes, with NetworkPolicies that
 * admit exactly those flows and the applications that send their traces to it; off with one value, in
 * both renderings (Helm 3 and 4: `--set tracing.enabled=false` renders what synth renders from values).
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { synthesize } from '../../../charts/platform';
import { withoutHelmOnly, withoutPlainOnly } from '../../helm/helm-only';
import { type K8sObject, distDir, plainObjects, sortObjects } from '../../support/dist';
import { helmTemplate, helmVersions } from '../../support/helm';
import { valuesCopyWith } from '../../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

type Policy = K8sObject & { spec: { ingress?: unknown[]; egress?: unknown[] } };
const data = (objects: K8sObject[], name: string) => (objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name) as K8sObject & { data: Record<string, string> }).data;
const policy = (objects: K8sObject[], name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name) as Policy | undefined;
const pods = (name: string) => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'monitoring' } } });
const tcp = (port: number) => ({ protocol: 'TCP', port });

describe('the trace endpoint', () => {
  const objects = plainObjects('production', 'monitoring');

  it('receives OTLP in the collector, which exports to Tempo, which Grafana queries and Prometheus scrapes', () => {
    const collector = parse(data(objects, 'otel-collector-config')['config.yaml']) as { exporters: Record<string, { endpoint: string }>; service: { pipelines: { traces: Record<string, string[]> } } };
    expect(collector.exporters['otlp/tempo'].endpoint).toBe('tempo.monitoring.svc:4317');
    expect(collector.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/tempo'] });
    const tempo = parse(data(objects, 'tempo-config')['tempo.yaml']) as { compactor: { compaction: { block_retention: string } } };
    expect(tempo.compactor.compaction.block_retention).toBe('336h');
    const sources = (parse(data(objects, 'grafana-provisioning')['datasources.yaml']) as { datasources: Array<{ uid: string; url: string }> }).datasources;
    expect(sources.map((s) => [s.uid, s.url])).toContainEqual(['tempo', 'http://tempo.monitoring.svc:3200']);
    const jobs = (parse(data(objects, 'prometheus-config')['prometheus.yml']) as { scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }> }> }).scrape_configs;
    expect(jobs.filter((j) => ['otel-collector', 'tempo'].includes(j.job_name)).map((j) => j.static_configs?.[0].targets)).toEqual([['otel-collector.monitoring.svc:8888'], ['tempo.monitoring.svc:3200']]);
  });

  it('admits exactly those flows', () => {
    expect(policy(objects, 'otel-collector')?.spec).toEqual({
      ...pods('otel-collector'),
      policyTypes: ['Ingress', 'Egress'],
      // No application names the stack's collector in the shipped values (tracing.collector).
      ingress: [{ from: [pods('prometheus')], ports: [tcp(8888)] }],
      egress: [{ to: [pods('tempo')], ports: [tcp(4317)] }],
    });
    expect(policy(objects, 'tempo')?.spec).toEqual({
      ...pods('tempo'),
      policyTypes: ['Ingress'],
      ingress: [
        { from: [pods('otel-collector')], ports: [tcp(4317)] },
        { from: [pods('grafana'), pods('prometheus')], ports: [tcp(3200)] },
      ],
    });
    expect(policy(objects, 'grafana')?.spec.egress).toContainEqual({ to: [pods('tempo')], ports: [tcp(3200)] });
    expect(policy(objects, 'prometheus')?.spec.egress).toContainEqual({ to: [pods('otel-collector')], ports: [tcp(8888)] });
  });

  describe('switched off', () => {
    const files = synthesize({ valuesDir: valuesCopyWith(roots, 'base.yaml', (text) => text.replace('  tracing:\n    enabled: true\n', '  tracing:\n    enabled: false\n')) });
    const plain = (env: string) => [...files].filter(([path]) => path.startsWith(`manifests/${env}/monitoring/`)).map(([, text]) => parse(text) as K8sObject);

    it('leaves no collector, no Tempo, no data source, scrape job or policy of theirs', () => {
      const off = plain('production');
      expect(off.filter((o) => /otel-collector|tempo/.test(o.metadata.name)).map((o) => o.metadata.name)).toEqual([]);
      expect(data(off, 'grafana-provisioning')['datasources.yaml']).not.toContain('tempo');
      expect(data(off, 'prometheus-config')['prometheus.yml']).not.toContain('otel-collector');
      expect(JSON.stringify(policy(off, 'prometheus'))).not.toContain('tempo');
    });

    it.each(helmVersions)('is what --set tracing.enabled=false renders with $label', ({ binary }) => {
      const chart = join(distDir, 'helm', 'monitoring');
      const rendered = helmTemplate(binary, ['monitoring', chart, '-f', join(chart, 'values-production.yaml'), '-n', 'monitoring', '--set', 'tracing.enabled=false']) as K8sObject[];
      expect(sortObjects(withoutHelmOnly(rendered))).toEqual(sortObjects(withoutPlainOnly(plain('production'))));
    });
  });

  it.each(helmVersions)("admits an application that sends to it, on OTLP's ports ($label)", ({ binary }) => {
    const chart = join(distDir, 'helm', 'monitoring');
    const rendered = helmTemplate(binary, ['monitoring', chart, '-f', join(chart, 'values-production.yaml'), '-n', 'monitoring', '--set', 'applications.api.tracesToStack=true']) as K8sObject[];
    expect(policy(rendered, 'otel-collector')?.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'api-production' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } } }],
      ports: [tcp(4318), tcp(4317)],
    });
  });
});
