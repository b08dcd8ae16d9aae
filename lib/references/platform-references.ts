/**
 * The references of every environment of a synth: each object is observed as it is emitted (charts
 * and GitOps objects alike), then each environment is checked once everything it writes is known
 * (resolve.ts) and its README section written (readme.ts).
 */
import { entryOf } from '../gitops/inventory';
import type { EnvironmentValues } from '../values/load';
import type { Problem } from '../values/problems';
import { type ChartValues, locateFindings } from './locate';
import { EnvironmentReferences } from './needs';
import type { Prerequisites } from './prerequisites';
import { type DeclaredGateway, referenceFindings } from './resolve';

export class PlatformReferences {
  private readonly environments = new Map<string, EnvironmentReferences>();

  /** Records one object of `chart` in `environment`, written to `file` (relative to the chart's folder, or to the output folder for `gitops`). */
  readonly observe = (environment: string, chart: string, object: Record<string, unknown>, file: string): void => {
    this.of(environment).observe(chart, object, chart === GITOPS ? file : `manifests/${environment}/${chart}/${file}`);
  };

  /** What `environment` writes and needs. */
  of(environment: string): EnvironmentReferences {
    return entryOf(this.environments, environment, () => new EnvironmentReferences());
  }

  /** The problems of one environment, located in its values files. */
  problems(env: EnvironmentValues, valuesOf: (chart: string) => ChartValues | undefined): Problem[] {
    return locateFindings(referenceFindings(env.environment, this.of(env.environment), prerequisitesOf(env), declaredGateway(env)), env, valuesOf);
  }
}

/** The chart name the GitOps objects of an environment are observed under. */
export const GITOPS = 'gitops';

/** An environment's merged `prerequisites` (empty when none is set). */
export function prerequisitesOf(env: EnvironmentValues): Prerequisites {
  return (env.prerequisites ?? {}) as Prerequisites;
}

/** The platform Gateway an environment declares (`environment.traffic.gateway`), when it routes through the Gateway API. */
export function declaredGateway(env: EnvironmentValues): DeclaredGateway | undefined {
  const gateway = env.traffic.gateway;
  return gateway ? { name: gateway.name, namespace: gateway.namespace, listeners: Object.values(gateway.listeners) } : undefined;
}
