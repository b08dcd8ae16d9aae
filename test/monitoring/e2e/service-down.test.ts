/**
 * End to end, with the real Prometheus 2.42 and Alertmanager 0.25 on 127.0.0.1: an application target is
 * scraped through the generated configuration, stops answering, and the generated ServiceDown rule (with
 * its real `for: 1m`) reaches the pager receiver through the generated routing tree; on the way, the
 * generated inhibition rules mute the other alerts of an application that is down.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildAlertRules, defaultAlertThresholds } from '../../../lib/monitoring/alert-rules';
import { buildAlertmanagerConfig, defaultAlertmanagerValues } from '../../../lib/monitoring/alertmanager-config';
import { buildPrometheusConfig } from '../../../lib/monitoring/prometheus-config';
import { Processes, findBinary, freePort, scratchDir, waitFor } from '../../support/processes';
import { type Delivery, type LocalServer, type PrometheusYml, discoveredPod, pointReceiversAt, startMetricsTarget, startWebhookReceiver, withTargets } from './loopback';

const application = { name: 'api', namespace: 'shop', metricsPath: '/metrics', port: 'http', scrapeInterval: '1s' };

describe('a ServiceDown alert, end to end', () => {
  const processes = new Processes();
  let scratch: ReturnType<typeof scratchDir>;
  let target: LocalServer;
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let prometheusUrl: string;
  let alertmanagerUrl: string;

  /** The result of an instant query, failing on a Prometheus error. */
  async function query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error}`);
    return body.data.result;
  }

  const ready = (url: string) => async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined);

  beforeAll(async () => {
    scratch = scratchDir('monitoring-e2e');
    target = await startMetricsTarget();
    webhook = await startWebhookReceiver();
    const [prometheusPort, alertmanagerPort] = [await freePort(), await freePort()];
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    const alertmanagerAddress = `127.0.0.1:${alertmanagerPort}`;
    alertmanagerUrl = `http://${alertmanagerAddress}`;

    const rulesFile = join(scratch.path, 'rules.yaml');
    writeFileSync(rulesFile, stringify(buildAlertRules(defaultAlertThresholds, { runbookBaseUrl: 'https://runbooks.example.com', environment: 'e2e' })));

    const prometheusYml = buildPrometheusConfig({
      scrapeInterval: '1s',
      evaluationInterval: '1s',
      alertmanagers: { static: [alertmanagerAddress] },
      ruleFiles: [rulesFile],
      applications: [application],
      monitoringNamespace: 'monitoring',
      blackboxTargets: [],
      externalLabels: { cluster: 'e2e' },
      argoRolloutsTargets: [],
    }) as PrometheusYml;
    // Only the addresses change: the application's pod is "discovered" at the local target, Prometheus
    // scrapes itself on its port; the cluster's exporters are not there to scrape, so their jobs go.
    const local = withTargets(prometheusYml, {
      prometheus: [{ targets: [`127.0.0.1:${prometheusPort}`] }],
      alertmanager: [{ targets: [alertmanagerAddress] }],
      [`application/${application.namespace}/${application.name}`]: [discoveredPod(`127.0.0.1:${target.port}`, { namespace: 'shop', name: 'api-7d9f8-abcde', appName: 'api', portName: 'http' })],
    });
    writeFileSync(join(scratch.path, 'prometheus.yml'), stringify(local));

    const alertmanagerYml = pointReceiversAt(buildAlertmanagerConfig(defaultAlertmanagerValues) as Parameters<typeof pointReceiversAt>[0], webhook.url);
    writeFileSync(join(scratch.path, 'alertmanager.yml'), stringify(alertmanagerYml));

    for (const dir of ['alertmanager-data', 'prometheus-data']) mkdirSync(join(scratch.path, dir));
    processes.start('alertmanager', findBinary('alertmanager', 'prometheus-alertmanager'), [
      `--config.file=${join(scratch.path, 'alertmanager.yml')}`,
      `--storage.path=${join(scratch.path, 'alertmanager-data')}`,
      `--web.listen-address=${alertmanagerAddress}`,
      '--cluster.listen-address=',
    ]);
    processes.start('prometheus', findBinary('prometheus'), [
      `--config.file=${join(scratch.path, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(scratch.path, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${prometheusPort}`,
    ]);
    await waitFor(`Alertmanager ready\n${processes.output('alertmanager')}`, ready(alertmanagerUrl), 20_000);
    await waitFor(`Prometheus ready\n${processes.output('prometheus')}`, ready(prometheusUrl), 20_000);
  }, 30_000);

  afterAll(async () => {
    await processes.stopAll();
    await Promise.all([target?.close(), webhook?.close()]);
    scratch?.remove();
  }, 15_000);

  it('scrapes the application with the labels of its relabelling', async () => {
    const [series] = await waitFor(
      'the application target to be up',
      async () => {
        const result = await query('up{job="api"} == 1');
        return result.length > 0 ? result : undefined;
      },
      15_000,
    );
    expect(series.metric).toMatchObject({ job: 'api', namespace: 'shop', pod: 'api-7d9f8-abcde', app: 'api' });
    const requests = await waitFor(
      'the request counters',
      async () => {
        const result = await query('http_requests_total{job="api"}');
        return result.length === 3 ? result : undefined;
      },
      10_000,
    );
    expect(requests.map((r) => r.metric.status).sort()).toEqual(['200', '201', '500']);
  }, 30_000);

  it('mutes the other alerts of an application that is down (inhibition)', async () => {
    // Posted straight to Alertmanager, as Prometheus does: the application `cart` is down and erroring,
    // `checkout` only errors. Only ServiceDown of cart and HighErrorRate of checkout may notify.
    const alert = (alertname: string, job: string) => ({
      labels: { alertname, job, namespace: 'shop', severity: 'critical', priority: 'P0', component: 'application' },
      annotations: { summary: `${alertname} of ${job}` },
    });
    const posted = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([alert('ServiceDown', 'cart'), alert('HighErrorRate', 'cart'), alert('HighErrorRate', 'checkout')]),
    });
    expect(posted.status).toBe(200);
    const notified = (alertname: string, job: string) => webhook.deliveries.some((d) => d.notification.alerts.some((a) => a.labels.alertname === alertname && a.labels.job === job));
    await waitFor('the alerts that are not muted', async () => (notified('ServiceDown', 'cart') && notified('HighErrorRate', 'checkout') ? true : undefined), 20_000);
    expect(notified('HighErrorRate', 'cart')).toBe(false);
  }, 30_000);

  it('pages through the pager receiver once the target has been down for 1m', async () => {
    const stoppedAt = Date.now();
    await target.close();
    const isServiceDown = (delivery: Delivery) => delivery.notification.alerts.some((alert) => alert.status === 'firing' && alert.labels.alertname === 'ServiceDown' && alert.labels.job === 'api');
    const delivery = await waitFor(
      `ServiceDown at the webhook\n--- prometheus ---\n${processes.output('prometheus')}\n--- alertmanager ---\n${processes.output('alertmanager')}`,
      async () => webhook.deliveries.find(isServiceDown),
      100_000,
      500,
    );
    const seconds = (delivery.at - stoppedAt) / 1000;
    console.info(`ServiceDown reached the ${delivery.notification.receiver} receiver ${seconds.toFixed(1)} s after the target stopped`);

    expect(delivery.path).toBe('/pager');
    expect(delivery.notification.receiver).toBe('pager');
    const alert = delivery.notification.alerts.find((a) => a.labels.alertname === 'ServiceDown' && a.labels.job === 'api');
    expect(alert?.labels).toEqual({
      alertname: 'ServiceDown',
      severity: 'critical',
      priority: 'P0',
      component: 'application',
      environment: 'e2e',
      job: 'api',
      namespace: 'shop',
      cluster: 'e2e',
    });
    expect(alert?.annotations.runbook_url).toBe('https://runbooks.example.com/ServiceDown');
    expect(alert?.annotations.description).toBe('No scrape target of api in shop has answered for 1m: every pod is down or unreachable.');
    // `for: 1m`, then the critical route's 5 s group_wait.
    expect(seconds).toBeGreaterThanOrEqual(60);
    expect(webhook.deliveries.filter(isServiceDown).map((d) => d.path)).toEqual(['/pager']);
  }, 120_000);

  it('sends the Watchdog to its own receiver all along', () => {
    const watchdog = webhook.deliveries.filter((d) => d.notification.alerts.some((alert) => alert.labels.alertname === 'Watchdog'));
    expect(watchdog.length).toBeGreaterThan(0);
    expect(new Set(watchdog.map((d) => d.notification.receiver))).toEqual(new Set(['watchdog']));
  });
});
