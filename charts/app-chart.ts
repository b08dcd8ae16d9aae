/**
 * One application's chart: every object an application gets, composed from the constructs in lib/app.
 * The construct tree is built once per application; each environment is a release rendered from it.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { AppConfiguration } from '../lib/app/configuration';
import { AppHelmTest } from '../lib/app/helm-test';
import { AppServiceAccount } from '../lib/app/identity';
import { AppGatewayRoutes } from '../lib/app/gateway-routes';
import { AppIngress } from '../lib/app/ingress';
import { AppNamespace } from '../lib/app/namespace';
import { AppMigration } from '../lib/app/migration';
import { AppNetworkPolicies } from '../lib/app/network-policies';
import { AppTracingPolicy } from '../lib/app/tracing-policy';
import { AppAutoscaler, AppDisruptionBudget } from '../lib/app/scaling';
import { AppDeployment, AppService } from '../lib/app/workload';
import { AppAnalysisTemplates } from '../lib/delivery/analysis-template';
import { AppDeliveryNetworkPolicies } from '../lib/delivery/network-policies';
import { AppRollout } from '../lib/delivery/rollout';
import { PostgresqlBackups } from '../lib/backup/postgresql-backup';
import { SecretSources } from '../lib/secrets/secret-sources';
import { MigrationSecretCopies } from '../lib/secrets/migration-copies';
import { renderRelease } from '../lib/chart/release';
import type { ReleaseChart } from '../lib/chart/templated-object';
import type { CommonMetadata, CommonMetadataChart } from '../lib/chart/common-metadata';
import type { Scope } from '../lib/template/expr';
import { refs } from '../lib/template/manifest';
import type { AppValues } from '../lib/values/schema';

export interface AppChartProps {
  /** Labels cdk8s adds to every object of the chart (cdk8s `ChartProps.labels`), in both outputs. */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * A fixed namespace for every namespaced object (cdk8s `ChartProps.namespace`), in place of the
   * release namespace; default: the release namespace (`<app>-<env>`, Helm's `--namespace`).
   */
  readonly namespace?: string;
  /** Chart version (semver). */
  readonly version: string;
  /** The release `toJson()` renders: the base values, released under the application's name. */
  readonly defaultScope: Scope;
  /** The databases of `backups.postgresql`, one backup CronJob each (default: none). */
  readonly databases?: readonly string[];
  /** The Secret names of `secrets`, an ExternalSecret or SealedSecret each (default: none). */
  readonly secretNames?: readonly string[];
}

export class AppChart extends Chart implements ReleaseChart, CommonMetadataChart {
  readonly defaultScope: Scope;
  /** commonLabels and commonAnnotations of the values, on every object (lib/chart/common-metadata.ts). */
  readonly commonMetadata: CommonMetadata;

  constructor(
    scope: Construct,
    readonly appName: string,
    props: AppChartProps,
  ) {
    super(scope, appName, { disableResourceNameHashes: true, labels: props.labels, namespace: props.namespace });
    if (props.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(props.namespace)) {
      throw new Error(`${appName}: the chart namespace ${JSON.stringify(props.namespace)} is not a namespace name (a DNS label of at most 63 characters)`);
    }
    this.defaultScope = props.defaultScope;
    const values = refs<AppValues>();
    this.commonMetadata = { labels: values.commonLabels, annotations: values.commonAnnotations };

    new AppNamespace(this, 'Namespace', { values });
    new AppServiceAccount(this, 'ServiceAccount', { values });
    const config = new AppConfiguration(this, 'Configuration', { values });
    new AppDeployment(this, 'Deployment', { values, configMapName: config.configMapName, configChecksum: config.checksum });
    new AppService(this, 'Service', { values });
    new AppMigration(this, 'Migration', { values });
    // Progressive delivery (rollout.strategy canary or blueGreen): the Rollout in the Deployment's place.
    new AppRollout(this, 'Rollout', { values, configMapName: config.configMapName, configChecksum: config.checksum });
    new AppAnalysisTemplates(this, 'AnalysisTemplates', { values });
    new AppDeliveryNetworkPolicies(this, 'DeliveryNetworkPolicies', { values });
    new AppAutoscaler(this, 'Autoscaler', { values });
    new AppDisruptionBudget(this, 'DisruptionBudget', { values });
    new AppIngress(this, 'Ingress', { values });
    new AppGatewayRoutes(this, 'GatewayRoutes', { values });
    new AppNetworkPolicies(this, 'NetworkPolicies', { values });
    new AppTracingPolicy(this, 'TracingPolicy', { values });
    new AppHelmTest(this, 'HelmTest', { values });
    new SecretSources(this, 'Secrets', { values, secretNames: props.secretNames ?? [] });
    // The migration hook's own copies of the Secrets it reads, made before it runs (issue 19 §3).
    new MigrationSecretCopies(this, 'MigrationSecrets', { values, secretNames: props.secretNames ?? [] });
    new PostgresqlBackups(this, 'Backups', { values, databases: props.databases ?? [] });
  }

  /** What cdk8s synthesizes for this chart (`cdk8s synth`, `Testing.synth`): the objects of its default release. */
  override toJson(): Record<string, unknown>[] {
    return renderRelease(this, this.defaultScope).map((rendered) => rendered.object);
  }
}
