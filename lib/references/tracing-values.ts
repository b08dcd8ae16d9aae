/**
 * The `tracing` section of the application values (lib/references/tracing.ts resolves it): whether the
 * application sends traces, to which collector of the environment, and, written by synth from that
 * collector (or given by hand to a chart used with Helm alone), the OTLP endpoint and the network the
 * NetworkPolicy `<app>-allow-tracing` opens for it.
 */
import { Type } from '@sinclair/typebox';
import { labelMap } from '../values/kubernetes-names';
import { int, patterns, str } from '../values/schema-primitives';

const closed = { additionalProperties: false } as const;
const nonEmptyLabels = (description: string) => Type.Unsafe<Record<string, string>>({ ...labelMap(description), minProperties: 1 });

export const TracingSchema = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Send traces (OTLP/HTTP) to the collector; false sets OTEL_TRACES_EXPORTER=none and opens no egress for traces.' }),
    samplingRatio: Type.Number({ description: 'Fraction of traces sampled, 0 to 1 (OTEL_TRACES_SAMPLER_ARG).', minimum: 0, maximum: 1 }),
    collector: Type.Optional(
      str('The trace collector: a name of the environment’s prerequisites.traceCollectors, or monitoring (the monitoring stack’s); synth resolves it into endpoint and egress.', patterns.dnsLabel),
    ),
    endpoint: Type.Optional(str('OTLP/HTTP endpoint traces are sent to (OTEL_EXPORTER_OTLP_ENDPOINT): written by synth from collector; with Helm alone, give it with egress.', patterns.url)),
    egress: Type.Optional(
      Type.Object(
        {
          port: int('Port of the collector’s pods (or of its address outside the cluster).', 1, 65535),
          cidr: Type.Optional(str('Network of the collector outside the cluster.', patterns.cidr)),
          namespaceLabels: Type.Optional(nonEmptyLabels('Labels of the collector’s namespace (in the cluster).')),
          podLabels: Type.Optional(nonEmptyLabels('Labels of the collector’s pods (with namespaceLabels).')),
        },
        { ...closed, description: 'Where the collector is, for the NetworkPolicy that lets the pods reach it (exactly one of cidr or namespaceLabels): written by synth from collector.' },
      ),
    ),
  },
  { ...closed, description: 'OpenTelemetry tracing (README: Prerequisites of a cluster).' },
);
