/**
 * What the API server refuses beyond the schemas (lib/validation/server-side): each rule fires on the
 * planted fixture, naming file, document, object and field; the cron parser agrees with robfig/cron's
 * ParseStandard on each field's bounds, steps and ranges.
 */
import { describe, expect, it } from 'vitest';
import { validateManifests } from '../../lib/validation';
import { cronScheduleProblem } from '../../lib/values/cron-schedule';
import { fixture, lines, schemaLocations } from './helpers';

describe('server-side rules in validate', () => {
  it('reports each planted violation, and nothing in the compliant set', async () => {
    const result = await validateManifests(await fixture('server-side/workloads.yaml'), { schemaLocations, policy: false });
    expect(lines(result.schemaErrors)).toEqual([]);
    const at = (document: number, object: string, field: string, message: string) => `server-side/workloads.yaml (document ${document}): ${object}: ${field}: ${message}`;
    const web = (field: string, message: string) => at(1, 'Deployment/shop/web', `spec.template.spec.${field}`, message);
    expect(lines(result.apiServerFindings)).toEqual([
      web('containers[0].ports[0].name', 'container "web": "http-web-frontend" is 17 characters; a port name (IANA_SVC_NAME) is at most 15'),
      web('containers[0].ports[1].name', 'container "web": "8080" is not a valid port name: it needs at least one letter (IANA_SVC_NAME)'),
      web('containers[0].livenessProbe', 'container "web": a probe must specify a handler (one of exec, httpGet, tcpSocket, grpc)'),
      web('containers[0].readinessProbe', 'container "web": a probe may have one handler, it has httpGet, tcpSocket (one of exec, httpGet, tcpSocket, grpc)'),
      web('containers[0].resources.requests.cpu', 'container "web": the cpu request 500m must be less than or equal to its limit 250m'),
      web('containers[1].name', 'container "web": duplicate container name (also container "web"); names are unique across the pod\'s containers'),
      web('containers[1].ports[1].name', 'container "web": duplicate port name "metrics" (also in container "web"); port names are unique within the pod'),
      at(1, 'Deployment/shop/web', 'spec.selector', 'selector does not match template labels: the controller would never own its pods'),
      at(1, 'Deployment/shop/web', 'spec.strategy.rollingUpdate.maxSurge', '150%: a percentage must not be greater than 100%'),
      at(2, 'CronJob/shop/backup', 'spec.schedule', '"0 2 * * 7": day of week 7 is beyond 0-6'),
      at(2, 'CronJob/shop/backup', 'spec.timeZone', '"Local": the time zone must be an explicit IANA name (such as Etc/UTC), never Local'),
      at(3, 'CronJob/shop/prune', 'spec.schedule', '"*/0 25 1-31 12-1 *": step of "*/0" must be at least 1'),
      at(3, 'CronJob/shop/prune', 'spec.timeZone', '"Mars/Olympus_Mons" is not a time zone of the IANA database (such as Etc/UTC or Europe/Berlin)'),
      at(4, 'PodDisruptionBudget/shop/web', 'spec.maxUnavailable', '101%: a percentage must not be greater than 100%'),
      at(6, 'Service/shop/web', 'spec.ports[1].name', 'duplicate Service port name "http"'),
      at(5, 'HorizontalPodAutoscaler/shop/web', 'spec.scaleTargetRef', 'Deployment "api" is not written in namespace shop: the autoscaler would have nothing to scale'),
      at(7, 'Namespace/kube-system', 'metadata.name', '"kube-system" is a namespace of the cluster itself (default, kube-node-lease, kube-public, kube-system): no chart may own it'),
    ]);
    const valid = await validateManifests(await fixture('valid'), { schemaLocations });
    expect(lines(valid.apiServerFindings)).toEqual([]);
  });

  it('refuses a ConfigMap whose values exceed 1 MiB together, and accepts one at the limit', async () => {
    const configMap = (a: number, b: number) => ({ file: 'big.yaml', doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'shop' }, data: { a: 'x'.repeat(a), b: 'é'.repeat(b) } } });
    const over = await validateManifests([configMap(600 * 1024, 250 * 1024)], { schemaLocations, policy: false });
    expect(lines(over.apiServerFindings)).toEqual([`big.yaml: ConfigMap/shop/big: its values are ${600 * 1024 + 500 * 1024} bytes; a ConfigMap holds at most 1048576 bytes (1 MiB)`]);
    const limit = await validateManifests([configMap(1024 * 1024 - 2, 1)], { schemaLocations, policy: false });
    expect(limit.apiServerFindings).toEqual([]);
  });

  it('defines each Namespace once per environment folder', async () => {
    const namespace = (file: string) => ({ file, doc: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'api-dev' } } });
    const twice = await validateManifests(
      [namespace('dist/manifests/dev/api/namespace.yaml'), namespace('dist/manifests/dev/monitoring/node-namespace.yaml'), namespace('dist/manifests/staging/api/namespace.yaml')],
      { schemaLocations, policy: false },
    );
    expect(lines(twice.apiServerFindings)).toEqual([
      'dist/manifests/dev/monitoring/node-namespace.yaml: Namespace/api-dev: metadata.name: Namespace "api-dev" is also defined in dist/manifests/dev/api/namespace.yaml: a namespace has one owner',
    ]);
  });
});

describe('cron schedules as robfig/cron ParseStandard reads them', () => {
  it.each([
    ['0 2 * * *', undefined],
    ['*/15 0-23/2 1,15 JAN-jun sun-sat', undefined],
    ['5/10 * * * *', undefined],
    ['@daily', undefined],
    ['@every 1h30m', undefined],
    ['0 2 * * 7', 'day of week 7 is beyond 0-6'],
    ['60 * * * *', 'minute 60 is beyond 0-59'],
    ['0 24 * * *', 'hour 24 is beyond 0-23'],
    ['0 0 0 * *', 'day of month 0 is beyond 1-31'],
    ['0 0 32 * *', 'day of month 32 is beyond 1-31'],
    ['0 0 * 13 *', 'month 13 is beyond 1-12'],
    ['0 0 * 0 *', 'month 0 is beyond 1-12'],
    ['*/0 * * * *', 'step of "*/0" must be at least 1'],
    ['30-10 * * * *', 'range "30-10" ends before it starts'],
    ['1-2-3 * * * *', '"1-2-3" has more than one "-"'],
    ['*/5/2 * * * *', '"*/5/2" has more than one "/"'],
    ['a * * * *', '"a" is not a number'],
    ['0 2 * *', 'expected exactly 5 fields (minute hour day-of-month month day-of-week), found 4'],
    ['CRON_TZ=UTC 0 2 * * *', 'TZ= and CRON_TZ= are not allowed in a schedule: set timeZone'],
    ['@fortnightly', 'unknown descriptor "@fortnightly"'],
  ])('%s', (schedule, problem) => {
    expect(cronScheduleProblem(schedule)).toBe(problem);
  });
});
