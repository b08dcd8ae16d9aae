/** The application's ConfigMap: plain settings as environment variables (never secrets). */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { TemplatedObject } from '../chart/templated-object';
import { fmt, ifElse, release, sha256OfJson } from '../template/expr';
import { list } from '../template/functions';
import { refs, spread, when } from '../template/manifest';
import type { AppValues } from '../values/schema';
import { commonLabels, nameWith, names } from './names';
import type { AppObjectProps } from './props';

/** The ConfigMap's own entries (the application's environment variables the chart sets), beside `env`. */
function configEntries(v: AppObjectProps['values']) {
  return {
    APP_ENVIRONMENT: v.environment,
    LOG_LEVEL: v.logLevel,
    OTEL_SERVICE_NAME: names.fullname,
    // Traces go to the environment's collector over OTLP/HTTP (lib/references/tracing.ts), or nowhere:
    // OTEL_TRACES_EXPORTER=none configures no exporter (OpenTelemetry specification, SDK environment variables).
    OTEL_TRACES_EXPORTER: ifElse(v.tracing.enabled, 'otlp', 'none'),
    OTEL_EXPORTER_OTLP_ENDPOINT: when(v.tracing.enabled, v.tracing.endpoint),
    OTEL_EXPORTER_OTLP_PROTOCOL: when(v.tracing.enabled, 'http/protobuf'),
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: fmt`${v.tracing.samplingRatio}`,
  };
}

/** The names of the variables the chart's ConfigMap sets (no other source of variables may set them). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(configEntries(refs<AppValues>()));

export class AppConfiguration extends Construct {
  /** Changes whenever the configuration does; set on the pod template to roll the pods. */
  readonly checksum;
  readonly configMapName = nameWith('config');

  constructor(scope: Construct, id: string, props: AppObjectProps) {
    super(scope, id);
    const v = props.values;
    this.checksum = sha256OfJson(list(v.environment, v.logLevel, v.tracing, v.env));
    new TemplatedObject(this, 'Resource', {
      type: k8s.KubeConfigMap,
      template: 'configmap.yaml',
      manifest: {
        metadata: { name: this.configMapName, namespace: release.namespace, labels: commonLabels(v) },
        data: { ...configEntries(v), ...spread(v.env) },
      },
    });
  }
}
