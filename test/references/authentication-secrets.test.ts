/**
 * The Secrets that authentication reads are references like any other (issue 19 §2): the users of
 * basic authentication (an Envoy Gateway SecurityPolicy's `basicAuth.users` under the Gateway API, the
 * ingress-nginx `auth-secret` annotation under the Ingress provider), from `ingress.adminPaths.basicAuth`,
 * the monitoring stack's `ingress.admin.basicAuth` or `ingress.annotations` written by hand. Without the
 * Secret the admin routes answer 500 or 503 to everyone: synth refuses it, located at the value that
 * names it, with the key the controller reads.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthProblems, valuesCopyWith } from '../support/synth-cli';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const problemsWith = (file: string, change: (text: string) => string) => synthProblems(valuesCopyWith(roots, file, change)).map((line) => line.replace(/^.*?values\//, 'values/'));

/** The lines of `problems` about Secret `name`. */
const about = (problems: readonly string[], name: string) => problems.filter((line) => line.includes(`Secret ${name} in`));

describe('a basic-authentication Secret neither written nor declared is refused', () => {
  it('the api’s admin paths under the Gateway API (dev, production) and ingress-nginx (staging)', () => {
    const problems = problemsWith('base.yaml', (t) => t.replace('basicAuth: { secretName: api-admin-htpasswd }', 'basicAuth: { secretName: api-admin-users }'));
    const lines = about(problems, 'api-admin-users');
    expect(lines).toHaveLength(3);
    for (const env of ['dev', 'production']) {
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^values/base\\.yaml:\\d+:\\d+: applications\\.api\\.ingress\\.adminPaths\\.basicAuth\\.secretName: Secret api-admin-users in api-${env} is neither written in ${env} nor declared: .* with its keys \\(\\.htpasswd\\) \\(SecurityPolicy api-${env}/api-admin at spec\\.basicAuth\\.users \\(manifests/${env}/api/securitypolicy-admin\\.yaml\\)\\)$`,
          ),
        ),
      );
    }
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^values\/base\.yaml:\d+:\d+: applications\.api\.ingress\.adminPaths\.basicAuth\.secretName: Secret api-admin-users in api-staging is neither written in staging nor declared: .* with its keys \(auth\) \(Ingress api-staging\/api-admin at metadata\.annotations\["nginx\.ingress\.kubernetes\.io\/auth-secret"\] \(manifests\/staging\/api\/ingress-admin\.yaml\)\)$/,
      ),
    );
  });

  it('the monitoring stack’s admin routes', () => {
    const problems = problemsWith('base.yaml', (t) =>
      t.replace('admin: { requestsPerSecond: 10, allowedCidrs: [10.0.0.0/8] }', 'admin: { requestsPerSecond: 10, allowedCidrs: [10.0.0.0/8], basicAuth: { secretName: ops-users } }'),
    );
    const lines = about(problems, 'ops-users');
    expect(lines).toHaveLength(3);
    for (const line of lines)
      expect(line).toMatch(/^values\/base\.yaml:\d+:\d+: monitoring\.ingress\.admin\.basicAuth\.secretName: Secret ops-users in monitoring is neither written in (dev|staging|production) nor declared/);
  });

  it('an ingress-nginx auth-secret annotation written by hand, in the Ingress’s namespace or another', () => {
    const annotations = (secret: string) => (t: string) =>
      t.replace(
        '\napplications:\n',
        `\napplications:\n  web:\n    ingress:\n      annotations:\n        nginx.ingress.kubernetes.io/auth-type: basic\n        nginx.ingress.kubernetes.io/auth-secret: ${secret}\n`,
      );
    expect(about(problemsWith('staging.yaml', annotations('web-users')), 'web-users')).toEqual([
      expect.stringMatching(
        /^values\/staging\.yaml:\d+:\d+: applications\.web\.ingress\.annotations\.nginx\.ingress\.kubernetes\.io\/auth-secret: Secret web-users in web-staging is neither written in staging nor declared: .* with its keys \(auth\) \(Ingress web-staging\/web at metadata\.annotations\["nginx\.ingress\.kubernetes\.io\/auth-secret"\]/,
      ),
    ]);
    expect(about(problemsWith('staging.yaml', annotations('shared-auth/web-users')), 'web-users')).toEqual([
      expect.stringMatching(/^values\/staging\.yaml:\d+:\d+: prerequisites\.secrets\.shared-auth\.web-users: Secret web-users in shared-auth is neither written in staging nor declared/),
    ]);
  });

  it('a declared Secret without the key the controller reads (.htpasswd under the Gateway API)', () => {
    const dir = valuesCopyWith(roots, 'dev.yaml', (t) => `${t}\n`);
    writeFileSync(
      join(dir, 'qa.yaml'),
      [
        'environment: { domain: qa.example.com }',
        'prerequisites: { secrets: { worker-qa: { worker-redis: { keys: [password] } }, api-qa: { api-admin-users: { keys: [auth] } } } }',
        'applications: { api: { ingress: { adminPaths: { basicAuth: { secretName: api-admin-users } } } } }',
        '',
      ].join('\n'),
    );
    expect(synthProblems(dir).map((line) => line.replace(/^.*?values\//, 'values/'))).toEqual([
      expect.stringMatching(
        /^values\/qa\.yaml:3:\d+: applications\.api\.ingress\.adminPaths\.basicAuth\.secretName: Secret api-admin-users in api-qa has no key \.htpasswd \(declared in prerequisites\.secrets\.api-qa\.api-admin-users, keys: auth\) \(SecurityPolicy api-qa\/api-admin at spec\.basicAuth\.users/,
      ),
    ]);
  });
});
