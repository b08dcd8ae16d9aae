/**
 * The Gateway API and Envoy Gateway objects really are checked against their CRD schemas (strict: no
 * unknown field, enums and patterns as the API server applies them): the committed objects pass, and
 * each one broken in one field fails, naming the field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatFinding, loadManifests, validateManifests } from '../../lib/validation';
import { distDir } from '../support/dist';
import { schemaLocations } from '../support/schemas';

const scratch = mkdtempSync(join(tmpdir(), 'traffic-crds-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML edited at one known path per case
type Mutable = { spec: Record<string, any> };

const cases: Array<{ name: string; file: string; change: (o: Mutable) => void; expected: RegExp }> = [
  { name: 'an HTTPRoute timeout the standard does not have', file: 'api/httproute.yaml', change: (o) => (o.spec.rules[0].timeouts.idle = '5s'), expected: /HTTPRoute\/api-dev\/api .*timeouts.*idle/ },
  {
    name: 'an HTTPRoute listener name that is not a section name',
    file: 'api/httproute.yaml',
    change: (o) => (o.spec.parentRefs[0].sectionName = 'HTTPS_443'),
    expected: /HTTPRoute\/api-dev\/api .*sectionName.*HTTPS_443/,
  },
  {
    name: 'a redirect status the Gateway API refuses',
    file: 'api/httproute-https-redirect.yaml',
    change: (o) => (o.spec.rules[0].filters[0].requestRedirect.statusCode = 404),
    expected: /HTTPRoute\/api-dev\/api-https-redirect .*statusCode/,
  },
  {
    name: 'a rate limit unit Envoy Gateway does not know',
    file: 'api/backendtrafficpolicy.yaml',
    change: (o) => (o.spec.rateLimit.local.rules[0].limit.unit = 'Seconds'),
    expected: /BackendTrafficPolicy\/api-dev\/api .*unit/,
  },
  {
    name: 'an authorization action Envoy Gateway does not know',
    file: 'api/securitypolicy-admin.yaml',
    change: (o) => (o.spec.authorization.defaultAction = 'Reject'),
    expected: /SecurityPolicy\/api-dev\/api-admin .*defaultAction/,
  },
  {
    name: 'a TLS version the ClientTrafficPolicy does not know',
    file: 'monitoring/gateway-clienttrafficpolicy.yaml',
    change: (o) => (o.spec.tls.minVersion = 'TLSv1.2'),
    expected: /ClientTrafficPolicy\/gateway-system\/platform-https-tls .*minVersion/,
  },
  {
    name: 'a session resumption setting the ClientTrafficPolicy does not have',
    file: 'monitoring/gateway-clienttrafficpolicy.yaml',
    change: (o) => (o.spec.tls.session.resumption.tickets = {}),
    expected: /ClientTrafficPolicy\/gateway-system\/platform-https-tls .*tickets/,
  },
  {
    name: 'a compression algorithm Envoy Gateway does not have',
    file: 'api/backendtrafficpolicy.yaml',
    change: (o) => (o.spec.compressor[0].type = 'Deflate'),
    expected: /BackendTrafficPolicy\/api-dev\/api .*type/,
  },
];

async function schemaErrors(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(scratch, 'case-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name.replace('/', '-')), text);
  const { documents, problems } = await loadManifests([dir]);
  expect(problems).toEqual([]);
  return (await validateManifests(documents, { schemaLocations })).schemaErrors.map(formatFinding);
}

describe('Gateway API and Envoy Gateway objects against their CRD schemas', () => {
  it('the committed objects of dev pass', { timeout: 30_000 }, async () => {
    const files = Object.fromEntries(cases.map((c) => [c.file, readFileSync(join(distDir, 'manifests', 'dev', c.file), 'utf8')]));
    expect(await schemaErrors(files)).toEqual([]);
  });

  it.each(cases)('$name fails', { timeout: 30_000 }, async ({ file, change, expected }) => {
    const object = parse(readFileSync(join(distDir, 'manifests', 'dev', file), 'utf8')) as Mutable;
    change(object);
    const errors = await schemaErrors({ [file]: stringify(object) });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(expected);
  });
});
