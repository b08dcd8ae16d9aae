/**
 * Progressive releases (Argo Rollouts, lib/delivery/): each version of an application side by side,
 * told apart by its pods' `rollouts_pod_template_hash` (kept by the scrape configuration): its share
 * of the traffic, its 5xx ratio and its p95 latency, the numbers the release analysis judges the new
 * version by (lib/delivery/analysis-queries.ts), and the phase of each Rollout from the controller.
 * During a canary two versions show: the stable one and the canary; after a blue-green switch, the
 * new and, until the scale-down delay ends, the old one. Applications released as a plain Deployment
 * have no hash and show as one line without it.
 */
import type { DashboardDefinition } from './dashboard';
import { timeseries } from './panels';
import { APP, BY_APP, errorRatio, latencyQuantile, legend, requestRate } from './promql';

const BY_VERSION = `${BY_APP}, rollouts_pod_template_hash`;

export function releasesDashboard(): DashboardDefinition {
  return {
    uid: 'platform-releases',
    title: 'Releases: canary and stable',
    description: 'Each version of an application during a canary or blue-green release (pod template hash): traffic share, 5xx ratio and p95 latency, and the phase of its Rollout.',
    tags: ['releases', 'argo-rollouts'],
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    sections: [
      {
        title: 'Versions',
        panels: [
          timeseries({
            title: 'Traffic share by version',
            description: 'Share of each application’s requests served by each version: the canary’s weight as the traffic really splits.',
            queries: [{ expr: `${requestRate(BY_VERSION, '$__rate_interval')} / on (${BY_APP}) group_left () ${requestRate(BY_APP, '$__rate_interval')}`, legend: legend(BY_VERSION) }],
            unit: 'percentunit',
            stack: true,
          }),
          timeseries({
            title: 'Request rate by version',
            description: 'Requests per second served by each version.',
            queries: [{ expr: requestRate(BY_VERSION, '$__rate_interval'), legend: legend(BY_VERSION) }],
            unit: 'reqps',
          }),
          timeseries({
            title: 'Pods by version',
            description: 'Pods of each version that Prometheus scrapes: the canary’s size when traffic is split by replica count, the preview’s during a blue-green release.',
            queries: [{ expr: `count by (${BY_VERSION}) (up{${APP}} == 1)`, legend: legend(BY_VERSION) }],
            unit: 'none',
          }),
          timeseries({
            title: 'Server error ratio (5xx) by version',
            description: 'Share of each version’s requests answered with a 5xx; the canary rolls back when it stays above its phase’s threshold for 5 minutes.',
            queries: [{ expr: errorRatio(BY_VERSION, '$__rate_interval'), legend: legend(BY_VERSION) }],
            unit: 'percentunit',
          }),
          timeseries({
            title: 'Latency p95 by version',
            description: '95th percentile of each version’s request duration; the canary rolls back when it stays above its phase’s threshold for 5 minutes.',
            queries: [{ expr: latencyQuantile(0.95, BY_VERSION), legend: legend(BY_VERSION) }],
            unit: 's',
            width: 24,
          }),
        ],
      },
      {
        title: 'Rollouts',
        panels: [
          timeseries({
            title: 'Rollout phase',
            description: 'Phase of each Rollout in the selected namespaces, from the Argo Rollouts controller: Progressing during a release, Paused when it waits for a person, Degraded after an abort.',
            queries: [{ expr: 'max by (namespace, name, phase) (rollout_info{namespace=~"$namespace"}) == 1', legend: '{{namespace}}/{{name}} {{phase}}' }],
            unit: 'none',
            width: 24,
          }),
        ],
      },
    ],
  };
}
