/**
 * Compression of responses at the edge, one setting per environment (`environment.traffic.compression`,
 * every chart's `traffic.compression`); the documents ask for gzip. Brotli is offered where the
 * provider has it (both do).
 *
 * - Envoy Gateway: BackendTrafficPolicy `compressor` on each route's policy (gateway.envoyproxy.io/v1alpha1
 *   `BackendTrafficPolicySpec.compressor`: a list of {type: Brotli | Gzip | Zstd, minContentLength}; the
 *   first is preferred when the client's Accept-Encoding weighs them equally). `compression`, the older
 *   field with the same items, is deprecated ("Deprecated: Use Compressor instead", envoyproxy/gateway
 *   api/v1alpha1/backendtrafficpolicy_types.go), and the CRD's CEL rule allows only one of the two.
 *   `compressor` exists since Envoy Gateway v1.6.0, its `minContentLength` since v1.7.0 (the API's history):
 *   older releases refuse the policy (README "Traffic entry": the minimum version).
 * - ingress-nginx: only the controller's ConfigMap compresses (`use-gzip`, `gzip-min-length`,
 *   `enable-brotli`, `brotli-min-length`; ConfigMap reference, https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/configmap/),
 *   for every Ingress of the controller: no annotation turns it on or off per Ingress. The controller
 *   settings file of each environment carries these keys (controller-settings.ts).
 * Responses that already have a Content-Encoding are passed as they are by both.
 */
import { Type } from '@sinclair/typebox';
import type { Expr } from '../template/expr';
import { type Refs, when } from '../template/manifest';

/** What an environment gets for what it does not set: brotli preferred, gzip for the rest, bodies of 1 KiB and more. */
export const DEFAULT_COMPRESSION = { brotli: true, gzip: true, minContentLength: 1024 } as const;

/** `traffic.compression`: compression of responses by the proxies. */
export const CompressionSchema = Type.Object(
  {
    brotli: Type.Boolean({ description: 'Compress with brotli for clients that accept it (preferred over gzip).' }),
    gzip: Type.Boolean({ description: 'Compress with gzip for clients that accept it.' }),
    minContentLength: Type.Integer({ minimum: 1, maximum: 1048576, description: 'Smallest response body compressed, in bytes.' }),
  },
  { additionalProperties: false, description: 'Compression of responses at the entry (Envoy Gateway: each route’s BackendTrafficPolicy; ingress-nginx: the controller’s ConfigMap, for every Ingress).' },
);

export type CompressionSettings = typeof CompressionSchema.static;

/** The Envoy Gateway `compressor` list of a route's BackendTrafficPolicy: brotli first, then gzip; absent (no field) when both are off. */
export function compressorList(compression: Refs<CompressionSettings>) {
  const item = (type: 'Brotli' | 'Gzip') => ({ type, minContentLength: compression.minContentLength as Expr<number> });
  return [when(compression.brotli, item('Brotli')), when(compression.gzip, item('Gzip'))];
}

/** The controller ConfigMap keys of ingress-nginx for these settings (values are strings, as in a ConfigMap). */
export function nginxCompressionConfig(compression: CompressionSettings): Record<string, string> {
  return {
    'use-gzip': String(compression.gzip),
    'gzip-min-length': String(compression.minContentLength),
    'enable-brotli': String(compression.brotli),
    'brotli-min-length': String(compression.minContentLength),
  };
}
