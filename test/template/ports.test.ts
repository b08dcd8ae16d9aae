/**
 * The ports of URLs and host:port addresses (lib/template/functions.ts urlPort, addressPort), which the
 * monitoring NetworkPolicies open for Alertmanager's receivers: JavaScript and the real Helm 3 and 4
 * give the same port for each URL and its neighbours (default and explicit ports, user info with a
 * colon, IPv6 hosts, colons in the path and query).
 */
import { describe, expect, it } from 'vitest';
import type { Scope } from '../../lib/template/expr';
import { evaluateManifest } from '../../lib/template/evaluate';
import { addressPort, urlPort } from '../../lib/template/functions';
import { type Node, each, refs } from '../../lib/template/manifest';
import { helmVersions, renderTree } from '../support/helm';

interface Values {
  urls: string[];
  addresses: string[];
}

const URLS: Array<[string, number]> = [
  ['https://events.pagerduty.com/v2/enqueue', 443],
  ['http://alerts.example.net/hook', 80],
  ['http://alerts.example.net:8080/hook', 8080],
  ['https://alerts.example.net:443/', 443],
  ['http://alerts.example.net:443/', 443],
  ['https://user:secret@alerts.example.net/hook', 443],
  ['https://user:secret@alerts.example.net:9443/hook', 9443],
  ['https://[2001:db8::1]/ping', 443],
  ['http://[2001:db8::1]:9000/ping', 9000],
  ['https://alerts.example.net/a:8080?at=10:30#x:1', 443],
];
const ADDRESSES: Array<[string, number]> = [
  ['smtp.example.com:587', 587],
  ['smtp.example.com:25', 25],
  ['10.1.2.3:465', 465],
];

const v = refs<Values>();
const tree: Node = {
  apiVersion: 'v1',
  kind: 'List',
  urls: [each(v.urls, 'url', (url) => ({ url, port: urlPort(url) }))],
  addresses: [each(v.addresses, 'address', (address) => ({ address, port: addressPort(address) }))],
};
const values: Values = { urls: URLS.map(([url]) => url), addresses: ADDRESSES.map(([address]) => address) };
const scope: Scope = { values, release: { name: 'rel', namespace: 'ns', service: 'Helm' }, chart: { name: 'demo', version: '0.1.0', appVersion: '1.0' }, vars: new Map() };

describe('ports of URLs and addresses', () => {
  it('are the explicit port, else the scheme’s (JavaScript)', () => {
    const out = evaluateManifest(tree, scope) as { urls: { port: number }[]; addresses: { port: number }[] };
    expect(out.urls.map((u) => u.port)).toEqual(URLS.map(([, port]) => port));
    expect(out.addresses.map((a) => a.port)).toEqual(ADDRESSES.map(([, port]) => port));
  });

  it.each(helmVersions)('are the same with $label', ({ binary }) => {
    expect(renderTree(binary, tree, values)).toEqual([evaluateManifest(tree, scope)]);
  });
});
