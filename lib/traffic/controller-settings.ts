/**
 * What the traffic entry of an environment needs from the ingress-nginx controller itself, which the
 * platform does not install: settings of the controller's ConfigMap that no Ingress annotation can
 * give (ingress-nginx ConfigMap reference, https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/).
 * Written per environment on the `ingress` provider as `environments/<env>/ingress-nginx-controller.yaml`:
 * the controller's ConfigMap with these keys, to merge into the real one (`controller.config` of the
 * ingress-nginx Helm chart, or `kubectl patch --type merge`), never applied by the GitOps engine (the
 * controller's own release owns that ConfigMap: a second owner would fight it), with a section of the
 * environment's README saying how to apply and check them.
 *
 * Controller-wide, for every Ingress of the controller (no annotation changes them per Ingress):
 * - TLS (tls-policy.ts): `ssl-protocols`, `ssl-ciphers`, `ssl-ecdh-curve`, `ssl-prefer-server-ciphers`
 *   (off: Mozilla's `server_preferred_order` false), `ssl-session-cache`, `ssl-session-cache-size` and
 *   `ssl-session-timeout` (Mozilla's nginx configuration: 10 MB, one day), `ssl-session-tickets`;
 * - compression (compression.ts): `use-gzip`, `gzip-min-length`, `enable-brotli`, `brotli-min-length`;
 * - `hsts: "false"`: each Ingress sends its own Strict-Transport-Security (security-headers.ts, two
 *   years), which the controller's default one-year header would otherwise duplicate;
 * - `global-allowed-response-headers`: the security header names, without which the controller refuses
 *   the Ingresses' `custom-headers` (every path of such an Ingress answers 503).
 * Per Ingress (annotations, written by the charts): the HTTPS redirect, rate limits, timeouts, security
 * headers (`custom-headers`), CORS, source allow-lists and basic authentication.
 */
import { stringify } from 'yaml';
import type { TrafficValues } from '../values/traffic';
import { nginxCompressionConfig } from './compression';
import { SECURITY_HEADER_NAMES } from './security-headers';
import { MOZILLA_GUIDELINES, OPENSSL_CURVE_NAMES } from './tls-policy';

/** The ingress-nginx controller ConfigMap keys an environment's entry needs (values are strings). */
function nginxControllerConfig(traffic: TrafficValues): Record<string, string> {
  const tls = traffic.tls;
  const versions = ['1.2', '1.3'].filter((v) => v >= tls.minVersion && v <= tls.maxVersion).map((v) => `TLSv${v}`);
  return {
    'ssl-protocols': versions.join(' '),
    ...(tls.ciphers.length > 0 ? { 'ssl-ciphers': tls.ciphers.join(':') } : {}),
    'ssl-ecdh-curve': tls.ecdhCurves.map((curve) => OPENSSL_CURVE_NAMES[curve as keyof typeof OPENSSL_CURVE_NAMES]).join(':'),
    'ssl-prefer-server-ciphers': 'false',
    'ssl-session-cache': String(tls.sessionResumption.stateful),
    'ssl-session-cache-size': '10m',
    'ssl-session-timeout': '1d',
    'ssl-session-tickets': String(tls.sessionResumption.stateless),
    hsts: 'false',
    ...nginxCompressionConfig(traffic.compression),
    'global-allowed-response-headers': SECURITY_HEADER_NAMES.join(','),
  };
}

/** The file name of the controller settings in an environment's folder. */
const CONTROLLER_SETTINGS_FILE = 'ingress-nginx-controller.yaml';

/** The controller's ConfigMap, as the ingress-nginx Helm chart names it for a release named ingress-nginx. */
const CONTROLLER_CONFIGMAP = 'ingress-nginx-controller';

/** What an environment's output gains from its traffic entry: files of its folder and README lines. */
export interface EdgeEnvironmentOutput {
  /** File name in environments/<env>/ → content. */
  readonly files: ReadonlyMap<string, string>;
  /** Lines of the README's section about the entry (without its heading), or none. */
  readonly readme: readonly string[];
}

/**
 * The controller settings file and README section of an environment whose entry is ingress-nginx; for
 * the Gateway API the policies are objects of the manifests (the ClientTrafficPolicy in the monitoring
 * chart's folder), and the section says so.
 */
export function edgeEnvironmentOutput(environment: string, traffic: TrafficValues, controllerNamespace: string): EdgeEnvironmentOutput {
  if (traffic.provider !== 'ingress') {
    return {
      files: new Map(),
      readme: [
        `The entry is the Gateway \`${traffic.gateway.namespace}/${traffic.gateway.name}\` (Envoy Gateway). Its TLS policy (TLS ${traffic.tls.minVersion} to ${traffic.tls.maxVersion}, ${MOZILLA_GUIDELINES})`,
        `is the ClientTrafficPolicy \`${traffic.gateway.namespace}/${traffic.gateway.name}-${traffic.gateway.listeners.https}-tls\` on its \`${traffic.gateway.listeners.https}\` listener, in the monitoring chart's manifests;`,
        'compression, rate limits, CORS and authentication are the BackendTrafficPolicies and SecurityPolicies beside each route.',
        `Check that Envoy Gateway accepted them: \`kubectl get clienttrafficpolicy,backendtrafficpolicy,securitypolicy -A\` (each Accepted).`,
      ],
    };
  }
  const config = nginxControllerConfig(traffic);
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONTROLLER_CONFIGMAP, namespace: controllerNamespace }, data: config };
  const file = `# Generated by npm run synth from values/ (environment.traffic): the settings the ingress-nginx controller
# of the ${environment} environment needs that no Ingress annotation can give, as a merge patch of its ConfigMap
# (the controller's own release owns it; see the environment's README). Not applied by the GitOps engine.
${stringify(configMap)}`;
  const keys = Object.keys(config);
  return {
    files: new Map([[CONTROLLER_SETTINGS_FILE, file]]),
    readme: [
      'The entry is the ingress-nginx controller. The Ingresses carry what is set per Ingress (HTTPS redirect, rate limits, timeouts,',
      'security headers, CORS, allow-lists, basic authentication); the TLS policy, compression and the allowed response headers are',
      `settings of the controller itself, for every Ingress it serves: [${CONTROLLER_SETTINGS_FILE}](${CONTROLLER_SETTINGS_FILE}) holds them as the data of its`,
      `ConfigMap \`${controllerNamespace}/${CONTROLLER_CONFIGMAP}\`. Without them the controller serves its own TLS defaults, does not compress, and refuses`,
      'the `custom-headers` of every Ingress (503 on its paths). With the ingress-nginx Helm chart, give the data as `controller.config`;',
      'otherwise merge it into the ConfigMap. Then check:',
      '',
      '```sh',
      `helm upgrade ingress-nginx ingress-nginx/ingress-nginx -n ${controllerNamespace} --reuse-values --set-json "controller.config=$(yq -o json .data ${CONTROLLER_SETTINGS_FILE})"`,
      `# or: kubectl -n ${controllerNamespace} patch configmap ${CONTROLLER_CONFIGMAP} --type merge --patch-file ${CONTROLLER_SETTINGS_FILE}`,
      `kubectl -n ${controllerNamespace} get configmap ${CONTROLLER_CONFIGMAP} -o go-template='{{range $k, $v := .data}}{{$k}}={{$v}}{{"\\n"}}{{end}}' | grep -E '^(${keys.join('|')})='`,
      '```',
    ],
  };
}
