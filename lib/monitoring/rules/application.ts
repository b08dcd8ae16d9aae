/**
 * Application alerts: availability, errors and latency of the HTTP applications, read from the
 * Prometheus-client metrics they expose (job = application name) and from the blackbox probes.
 * Application scrape targets carry an `app` label (see prometheus-config.ts); other targets do not.
 */
import { type AlertGroupDefinition, percent } from './model';
import { recorded } from './recording';
import type { AlertThresholds } from './thresholds';

const app = '{{ $labels.job }} in {{ $labels.namespace }}';

export const applicationAlerts: AlertGroupDefinition<AlertThresholds> = {
  name: 'platform.application.alerts',
  component: 'application',
  alerts: (t) => [
    {
      alert: 'ServiceDown',
      priority: 'P0',
      expr: 'max by (namespace, job) (up{app!=""}) == 0',
      for: t.serviceDownFor,
      summary: `${app} is down`,
      description: `No scrape target of ${app} has answered for ${t.serviceDownFor}: every pod is down or unreachable.`,
    },
    {
      alert: 'ApplicationTargetDown',
      priority: 'P1',
      expr: 'up{app!=""} == 0',
      for: t.targetDownFor,
      summary: 'Pod {{ $labels.pod }} of {{ $labels.job }} is not answering scrapes',
      description: `Prometheus has failed to scrape {{ $labels.instance }} (pod {{ $labels.pod }} of ${app}) for ${t.targetDownFor}.`,
    },
    {
      alert: 'HighErrorRate',
      priority: 'P0',
      expr: `${recorded.errorRatio('5m')} > ${t.errorRatio}`,
      for: t.errorRatioFor,
      summary: `${app} fails {{ $value | humanizePercentage }} of its requests`,
      description: `{{ $value | humanizePercentage }} of the requests to ${app} failed with a 5xx status over the last 5 minutes ` + `(threshold ${percent(t.errorRatio)}).`,
    },
    {
      alert: 'SlowResponseTime',
      priority: 'P1',
      expr: `${recorded.latencyP99} > ${t.latencyP99Seconds}`,
      for: t.latencyP99For,
      summary: `${app} is slow: p99 {{ $value | humanizeDuration }}`,
      description: `The 99th percentile request duration of ${app} is {{ $value | humanizeDuration }} over the last 5 minutes ` + `(threshold ${t.latencyP99Seconds}s).`,
    },
    {
      alert: 'LatencySLOBreach',
      priority: 'P1',
      expr: `${recorded.latencyP95} > ${t.latencyP95Seconds}`,
      for: t.latencyP95For,
      summary: `${app} misses its latency objective: p95 {{ $value | humanizeDuration }}`,
      description: `The 95th percentile request duration of ${app} is {{ $value | humanizeDuration }}, above its ` + `${t.latencyP95Seconds}s objective, for ${t.latencyP95For}.`,
    },
    {
      alert: 'BlackboxProbeFailing',
      priority: 'P0',
      // The HTTP probes; the data stores' TCP probes are DataStoreUnreachable's (data-stores.ts).
      expr: 'probe_success{job!="blackbox-tcp"} == 0',
      for: t.probeFailingFor,
      summary: 'Probe of {{ $labels.instance }} is failing',
      description: `The blackbox probe of {{ $labels.instance }} (job {{ $labels.job }}) has failed for ${t.probeFailingFor}.`,
    },
  ],
};
