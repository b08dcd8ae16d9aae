/**
 * What the end-to-end tests need around the real Prometheus and Alertmanager, on 127.0.0.1 only: a
 * metrics target, a webhook receiver recording what Alertmanager sends, and the rewrites that point the
 * generated configurations at them (addresses only; relabelling, rules and routing tree untouched).
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  port: number;
  url: string;
  /** Stops listening and drops the open connections (Prometheus keeps its scrape connection alive). */
  close: () => Promise<void>;
}

function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<LocalServer> {
  const server: Server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const close = () =>
        new Promise<void>((done) => {
          if (!server.listening) return done();
          server.close(() => done());
          server.closeAllConnections();
        });
      resolve({ port, url: `http://127.0.0.1:${port}`, close });
    });
  });
}

/** Serves /metrics in the Prometheus text format, as an application instrumented with a Prometheus client does. */
export function startMetricsTarget(): Promise<LocalServer> {
  const body = [
    '# HELP http_requests_total HTTP requests served.',
    '# TYPE http_requests_total counter',
    'http_requests_total{method="GET",route="/orders",status="200"} 1027',
    'http_requests_total{method="GET",route="/orders",status="500"} 3',
    'http_requests_total{method="POST",route="/orders",status="201"} 112',
    '',
  ].join('\n');
  return listen((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body);
  });
}

/** An Alertmanager webhook notification (version 4). */
interface Notification {
  receiver: string;
  status: 'firing' | 'resolved';
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
}

export interface Delivery {
  /** The request path: /<receiver> after pointReceiversAt. */
  path: string;
  at: number;
  notification: Notification;
}

/** Records every JSON body POSTed to it. */
export async function startWebhookReceiver(): Promise<LocalServer & { deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  const server = await listen((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ path: request.url ?? '', at: Date.now(), notification: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Notification });
      response.writeHead(200).end();
    });
  });
  return { ...server, deliveries };
}

interface StaticConfig {
  targets: string[];
  labels?: Record<string, string>;
}

interface ScrapeConfig {
  job_name: string;
  static_configs?: StaticConfig[];
  kubernetes_sd_configs?: unknown[];
  [key: string]: unknown;
}

export interface PrometheusYml {
  scrape_configs: ScrapeConfig[];
  [key: string]: unknown;
}

/** The meta labels kubernetes_sd gives a pod's container port, which the application job's relabelling reads. */
export function discoveredPod(address: string, pod: { namespace: string; name: string; appName: string; portName: string }): StaticConfig {
  return {
    targets: [address],
    labels: {
      __meta_kubernetes_namespace: pod.namespace,
      __meta_kubernetes_pod_name: pod.name,
      __meta_kubernetes_pod_phase: 'Running',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: pod.appName,
      __meta_kubernetes_pod_container_port_name: pod.portName,
    },
  };
}

/** The meta labels kubernetes_sd gives a node, which the node jobs' relabelling reads. */
export function discoveredNode(name: string, internalIp: string): StaticConfig {
  return {
    targets: [`${internalIp}:10250`],
    labels: { __meta_kubernetes_node_name: name, __meta_kubernetes_node_address_InternalIP: internalIp },
  };
}

/**
 * The configuration with each job's targets replaced by `targets[job]` (static targets instead of
 * kubernetes_sd, which Debian's Prometheus is built without); jobs not in `targets` are removed.
 */
export function withTargets(config: PrometheusYml, targets: Record<string, StaticConfig[]>): PrometheusYml {
  const missing = Object.keys(targets).filter((job) => !config.scrape_configs.some((scrape) => scrape.job_name === job));
  if (missing.length > 0) throw new Error(`no scrape job ${missing.join(', ')} in the configuration`);
  return {
    ...config,
    scrape_configs: config.scrape_configs
      .filter((scrape) => scrape.job_name in targets)
      .map(({ kubernetes_sd_configs: _discovery, static_configs: _static, ...scrape }) => ({ ...scrape, static_configs: targets[scrape.job_name] })),
  };
}

interface AlertmanagerYml {
  receivers: Array<{ name: string; [integration: string]: unknown }>;
  [key: string]: unknown;
}

/** Every receiver keeps its name and place in the routing tree, and sends to `<baseUrl>/<receiver>` instead. */
export function pointReceiversAt(config: AlertmanagerYml, baseUrl: string): AlertmanagerYml {
  return {
    ...config,
    receivers: config.receivers.map(({ name }) => ({ name, webhook_configs: [{ url: `${baseUrl}/${name}`, send_resolved: true }] })),
  };
}
