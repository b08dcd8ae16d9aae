/**
 * Bad values get one clear message per problem (file, line, YAML path, what was expected), exit code 1,
 * no stack trace, and the output directory untouched. One case per class of mistake.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edit, runSynth, scratchProject } from '../support/synth-cli';

interface Case {
  name: string;
  breakValues: (values: string) => void;
  /** Every line expected on stderr (one per problem), as patterns. */
  expected: RegExp[];
}

/** An environment no one would create (a real name such as `qa` would break this test once added). */
const MISSING_ENV = 'no-such-env-7f3a';

/** 10^9 values in a few lines: each list holds ten aliases of the one before. */
const BILLION_LAUGHS = [
  'lol:',
  '  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...'bcdefghi'.split('').map((name, i) => `  ${name}: &${name} [${Array(10).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
  '',
].join('\n');

const prod = (values: string) => join(values, 'production.yaml');
const base = (values: string) => join(values, 'base.yaml');
const dev = (values: string) => join(values, 'dev.yaml');
/** `lines` (indented four spaces) as the worker's section of dev.yaml. */
const workerInDev = (lines: string) => (values: string) => edit(dev(values), (t) => `${t}applications:\n  worker:\n${lines}`);

const cases: Case[] = [
  {
    name: 'unknown key',
    breakValues: (v) => edit(base(v), (t) => t.replace('  replicaCount: 1\n', '  replicaCount: 1\n  replicas: 2\n')),
    expected: [/^values\/base\.yaml:\d+:3: defaults\.replicas: unknown key: did you mean replicaCount\? \(expected one of: .*replicaCount.*\)$/],
  },
  {
    name: 'wrong type',
    breakValues: (v) => edit(prod(v), (t) => t.replace('  replicaCount: 3\n', '  replicaCount: three\n')),
    expected: [/^values\/production\.yaml:\d+:3: defaults\.replicaCount: expected an integer, got "three"$/],
  },
  {
    name: 'out of range',
    breakValues: (v) => edit(base(v), (t) => t.replace('  containerPort: 8080', '  containerPort: 80')),
    expected: [/^values\/base\.yaml:\d+:3: defaults\.containerPort: expected a number >= 1024, got 80$/],
  },
  {
    name: 'minReplicas above maxReplicas',
    breakValues: (v) => edit(prod(v), (t) => t.replace('    minReplicas: 3\n', '    minReplicas: 30\n')),
    expected: [/^values\/production\.yaml:\d+:5: defaults\.autoscaling\.minReplicas: expected at most maxReplicas \(20\), got 30$/],
  },
  {
    name: 'malformed quantity',
    breakValues: (v) => edit(prod(v), (t) => t.replace('requests: { cpu: 500m, memory: 512Mi }', 'requests: { cpu: lots, memory: 512Mi }')),
    expected: [/^values\/production\.yaml:\d+:\d+: defaults\.resources\.requests\.cpu: expected a Kubernetes quantity such as 250m, 1, 512Mi or 2Gi, got "lots"$/],
  },
  {
    name: 'quantities not in the canonical form the API server stores',
    breakValues: (v) => {
      edit(prod(v), (t) => t.replace('requests: { cpu: 500m, memory: 512Mi }', 'requests: { cpu: "0.5", memory: 512Mi }'));
      edit(base(v), (t) => t.replace('limits: { cpu: 500m, memory: 256Mi }\n  logLevel', 'limits: { cpu: 1000m, memory: 1024Mi }\n  logLevel'));
    },
    expected: [
      /^values\/production\.yaml:\d+:\d+: defaults\.resources\.requests\.cpu: "0\.5" is stored by the API server as "500m"; write "500m"$/,
      /^values\/base\.yaml:\d+:\d+: defaults\.resources\.limits\.cpu: "1000m" is stored by the API server as "1"; write "1"$/,
      /^values\/base\.yaml:\d+:\d+: defaults\.resources\.limits\.memory: "1024Mi" is stored by the API server as "1Gi"; write "1Gi"$/,
    ],
  },
  {
    name: 'a monitoring quantity not in the canonical form',
    breakValues: (v) => edit(base(v), (t) => t.replace('storage: { size: 8Gi,', 'storage: { size: 0.5Gi,')),
    expected: [/^values\/base\.yaml:\d+:\d+: monitoring\.prometheus\.storage\.size: "0\.5Gi" is stored by the API server as "512Mi"; write "512Mi"$/],
  },
  {
    name: 'requests above limits',
    breakValues: (v) => edit(prod(v), (t) => t.replace('requests: { cpu: 500m, memory: 512Mi }', 'requests: { cpu: "3", memory: 512Mi }')),
    expected: [/^values\/production\.yaml:\d+:\d+: defaults\.resources\.requests\.cpu: expected at most the limit \(2\), got 3$/],
  },
  {
    name: 'invalid DNS name',
    breakValues: (v) => edit(prod(v), (t) => t.replace('environment: { domain: example.com,', 'environment: { domain: Example_com,')),
    expected: [/^values\/production\.yaml:\d+:\d+: environment\.domain: expected a DNS name: lower-case labels separated by dots, got "Example_com"$/],
  },
  {
    name: 'TLS host not among the ingress hosts',
    breakValues: (v) => edit(prod(v), (t) => t.replace('    ingress:\n      rateLimit:', '    ingress:\n      tls: { hosts: [www.example.com] }\n      rateLimit:')),
    expected: [/^values\/production\.yaml:\d+:\d+: applications\.api\.ingress\.tls\.hosts\[0\]: expected one of the ingress hosts \(api\.example\.com\), got "www\.example\.com"$/],
  },
  {
    name: 'PDB that blocks every eviction',
    breakValues: (v) => edit(prod(v), (t) => t.replace('pdb: { enabled: true, minAvailable: 2 }', 'pdb: { enabled: true, minAvailable: 3 }')),
    expected: [/^values\/production\.yaml:\d+:\d+: defaults\.pdb\.minAvailable: expected fewer than the 3 replica\(s\) so that one pod can be evicted, got 3$/],
  },
  {
    name: 'image without a tag',
    breakValues: (v) => edit(base(v), (t) => t.replace('      tag: "2.0.1"\n', '')),
    expected: [/^values\/base\.yaml:\d+:\d+: applications\.worker\.image\.tag: required value is missing$/],
  },
  {
    name: 'image tag latest',
    breakValues: (v) => edit(base(v), (t) => t.replace('tag: "1.4.2"', 'tag: latest')),
    expected: [/^values\/base\.yaml:\d+:\d+: applications\.api\.image\.tag: "latest" is not allowed here \(pin an exact version, never "latest"\)$/],
  },
  {
    name: 'tag written into the repository',
    breakValues: (v) => edit(base(v), (t) => t.replace('repository: ghcr.io/example/shop-api', 'repository: ghcr.io/example/shop-api:latest')),
    expected: [/^values\/base\.yaml:\d+:\d+: applications\.api\.image\.repository: expected an image repository without tag or digest/],
  },
  {
    name: 'YAML syntax error',
    breakValues: (v) => edit(prod(v), (t) => t.replace('  logLevel: warn\n', '  logLevel: [warn\n')),
    expected: [/^values\/production\.yaml:\d+:\d+: YAML syntax error: /],
  },
  {
    name: 'duplicate key',
    breakValues: (v) => edit(base(v), (t) => t.replace('  logLevel: debug\n', '  logLevel: debug\n  logLevel: info\n')),
    expected: [/^values\/base\.yaml:\d+:3: this key is already set above in the same map: keep one \(Helm would keep the last one without a word, so a -f file is never checked for this by the chart\)$/],
  },
  {
    name: 'YAML aliases that expand without bound ("billion laughs")',
    breakValues: (v) => edit(base(v), (t) => `${t}${BILLION_LAUGHS}`),
    expected: [
      /^values\/base\.yaml:\d+:\d+: lol\.[a-z](\[\d+\])?: YAML alias \*[a-z] expands the document by more than 100000 values \(aliases nested in aliases multiply\); write the values out or use fewer aliases$/,
    ],
  },
  {
    name: 'a recursive YAML alias',
    breakValues: (v) => edit(base(v), (t) => t.replace('  env: {}\n', '  env: &env\n    LOOP: *env\n')),
    expected: [/^values\/base\.yaml:\d+:11: defaults\.env\.LOOP: YAML alias \*env is inside the node it refers to \(a recursive alias describes an infinite document\)$/],
  },
  {
    name: 'a YAML 1.1 boolean written unquoted',
    breakValues: (v) => edit(base(v), (t) => t.replace('  env: {}\n', '  env:\n    MODE: on\n')),
    expected: [/^values\/base\.yaml:\d+:11: defaults\.env\.MODE: "on" is a boolean \(true\) in YAML 1\.1 \(Helm\) and a string in YAML 1\.2; write "on" in quotes \(or true\)$/],
  },
  {
    name: 'numbers Helm (Go) and YAML 1.2 read differently, written unquoted, keys included; sexagesimal and 0o read alike',
    breakValues: (v) =>
      edit(base(v), (t) =>
        t.replace('    env:\n      QUEUE_NAME: orders\n', '    env:\n      QUEUE_NAME: orders\n      UMASK: 0022\n      TIMEOUT: 1:20\n      MODE: 0X1f\n      COUNT: 1_000\n      no: "x"\n'),
      ),
    expected: [
      /^values\/base\.yaml:\d+:14: applications\.worker\.env\.UMASK: "0022" is the number 18 in YAML 1\.1 \(Helm\) and the number 22 in YAML 1\.2; write "0022" in quotes \(or 18 or 22\)$/,
      /^values\/base\.yaml:\d+:13: applications\.worker\.env\.MODE: "0X1f" is the number 31 in YAML 1\.1 \(Helm\) and a string in YAML 1\.2; write "0X1f" in quotes \(or 31\)$/,
      /^values\/base\.yaml:\d+:14: applications\.worker\.env\.COUNT: "1_000" is the number 1000 in YAML 1\.1 \(Helm\) and a string in YAML 1\.2; write "1_000" in quotes \(or 1000\)$/,
      /^values\/base\.yaml:\d+:7: applications\.worker\.env\.no: "no" is a boolean \(false\) in YAML 1\.1 \(Helm\) and a string in YAML 1\.2; write "no" in quotes \(or false\)$/,
    ],
  },
  {
    name: 'a mistyped application name in an overlay',
    breakValues: (v) => edit(dev(v), (t) => `${t}\napplications:\n  wrker:\n    replicaCount: 2\n`),
    expected: [/^values\/dev\.yaml:\d+:3: applications\.wrker: application not defined in values\/base\.yaml \(did you mean worker\?\) \(applications there: api, web, worker\)$/],
  },
  {
    name: 'problems of every kind in several files, all in one run',
    breakValues: (v) => {
      edit(dev(v), (t) => `${t.replace('  logLevel: debug\n', '  logLevel: verbose\n')}\napplications:\n  wrker:\n    replicaCount: 2\n`);
      edit(base(v), (t) => t.replace('  env: {}\n', '  env:\n    MODE: on\n'));
      edit(prod(v), (t) => t.replace('    minReplicas: 3\n', '    minReplicas: 30\n').replace('requests: { cpu: 500m, memory: 512Mi }', 'requests: { cpu: "0.5", memory: 512Mi }'));
      rmSync(join(v, 'staging.yaml'));
      mkdirSync(join(v, 'staging.yaml'));
    },
    expected: [
      /^values\/base\.yaml:\d+:11: defaults\.env\.MODE: "on" is a boolean/,
      /^values\/dev\.yaml:\d+:3: applications\.wrker: application not defined in values\/base\.yaml/,
      /^values\/dev\.yaml:\d+:3: defaults\.logLevel: expected one of: debug, info, warn, error, got "verbose"$/,
      /^values\/production\.yaml:\d+:\d+: defaults\.resources\.requests\.cpu: "0\.5" is stored by the API server as "500m"; write "500m"$/,
      /^values\/production\.yaml:\d+:5: defaults\.autoscaling\.minReplicas: expected at most maxReplicas \(20\), got 30$/,
      /^values\/staging\.yaml: not a regular file \(a directory\)$/,
    ],
  },
  {
    name: 'several problems at once',
    breakValues: (v) => {
      edit(prod(v), (t) => t.replace('  replicaCount: 3\n', '  replicaCount: -1\n'));
      edit(base(v), (t) => t.replace('  logLevel: debug\n', '  logLevel: verbose\n'));
    },
    expected: [
      /^values\/base\.yaml:\d+:3: defaults\.logLevel: expected one of: debug, info, warn, error, got "verbose"$/,
      /^values\/production\.yaml:\d+:3: defaults\.replicaCount: expected a number >= 0, got -1$/,
    ],
  },
  {
    name: 'a sidecar without probes (every long-running container has them)',
    breakValues: workerInDev(`    sidecars:
      - { name: exporter, image: "prom/statsd-exporter:v0.28.0", resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 50m, memory: 32Mi } } }
`),
    expected: [/^values\/dev\.yaml:\d+:\d+: applications\.worker\.sidecars\[0\]\.probes: required value is missing.*$/],
  },
  {
    name: 'the extension points’ rules, every problem in one run (a sidecar named like the application, an HTTP probe without a path, an extra port on the http port, a preStop beside the sleep, a migration without a command)',
    breakValues: workerInDev(`    sidecars:
      - name: worker
        image: "envoyproxy/envoy:v1.33.2"
        resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 50m, memory: 32Mi } }
        probes: { liveness: { type: tcp, port: 9901 }, readiness: { type: http, port: 9901 } }
    service:
      extraPorts: [{ name: admin, port: 80, targetPort: 9090 }]
    lifecycle:
      preStop: { exec: { command: [/bin/drain] } }
    migration: { enabled: true }
`),
    expected: [
      /^values\/dev\.yaml:\d+:9: applications\.worker\.sidecars\[0\]\.name: "worker" is already the application container$/,
      /^values\/dev\.yaml:\d+:\d+: applications\.worker\.sidecars\[0\]\.probes\.readiness\.path: required value is missing \(type http gets a path\)$/,
      /^values\/dev\.yaml:\d+:\d+: applications\.worker\.service\.extraPorts\[0\]\.port: 80\/TCP is already a port of the Service$/,
      /^values\/dev\.yaml:\d+:7: applications\.worker\.lifecycle\.preStop: replaces the preStopSleepSeconds sleep \(5\); set preStopSleepSeconds to 0 .*$/,
      /^values\/dev\.yaml:\d+:5: applications\.worker\.migration\.command: required value is missing \(the migration runs a command\)$/,
    ],
  },
  {
    name: 'one Gateway listener for HTTPS and HTTP, set in an overlay (either name): once, at environment.traffic',
    breakValues: (v) =>
      edit(dev(v), (t) =>
        t.replace(
          'environment: { domain: dev.example.com, clusterIssuer: letsencrypt-staging }',
          'environment: { domain: dev.example.com, clusterIssuer: letsencrypt-staging, traffic: { gateway: { listeners: { https: http } } } }',
        ),
      ),
    expected: [/^values\/dev\.yaml:\d+:\d+: environment\.traffic\.gateway\.listeners: https and http are both "http": .*redirect loop.*$/],
  },
  {
    name: 'a second YAML document in a values file: said in our words, at its line',
    breakValues: (v) => edit(dev(v), (t) => `${t}---\nfoo: 1\n`),
    expected: [/^values\/dev\.yaml:\d+:1: a second YAML document starts here \(---\): a values file holds one document; .*$/],
  },
  {
    name: 'YAML merge keys, single and a list of anchors: refused at each <<, not reported as unknown keys',
    breakValues: workerInDev(`    podLabels: &labels { team: jobs }
    resources: &small { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 50m, memory: 64Mi } }
    migration:
      resources:
        <<: *small
        limits: { cpu: 50m, memory: 64Mi }
    podAnnotations:
      <<: [*labels, *labels]
`),
    expected: [
      /^values\/dev\.yaml:\d+:9: applications\.worker\.migration\.resources\.<<: YAML merge keys \(<<\) are not supported: synth reads YAML 1\.2, which has none, while Helm would merge them; .*$/,
      /^values\/dev\.yaml:\d+:7: applications\.worker\.podAnnotations\.<<: YAML merge keys \(<<\) are not supported: .*$/,
    ],
  },
  {
    name: 'a mistyped key in the top-level global (imagePullSecret): refused where it is written, once',
    breakValues: (v) => edit(base(v), (t) => `${t}\nglobal: { imagePullSecret: [regcred] }\n`),
    expected: [/^values\/base\.yaml:\d+:11: global\.imagePullSecret: unknown key: did you mean imagePullSecrets\? \(expected one of: imageRegistry, imagePullSecrets\)$/],
  },
  {
    name: 'a string for the top-level global.imagePullSecrets, in an overlay: once, at its line, not in every application',
    breakValues: (v) => edit(dev(v), (t) => `${t}\nglobal: { imagePullSecrets: regcred }\n`),
    expected: [/^values\/dev\.yaml:\d+:11: global\.imagePullSecrets: expected an array, got "regcred"$/],
  },
];

function expectCleanFailure(result: { status: number; stderr: string }, expected: RegExp[]) {
  const lines = result.stderr.trim().split('\n');
  const problems = lines.slice(0, -1);
  expect(result.status).toBe(1);
  expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  expect(lines.at(-1)).toMatch(/^synth: \d+ problem\(s\) in the values; .* was not changed$/);
  for (const pattern of expected)
    expect(
      problems.some((line) => pattern.test(line)),
      `${pattern} in\n${result.stderr}`,
    ).toBe(true);
  expect(problems).toHaveLength(expected.length);
}

describe('bad values', () => {
  it.each(cases)('$name', ({ breakValues, expected }) => {
    const project = scratchProject();
    breakValues(project.values);
    const result = runSynth(['--values', 'values', '--out', 'dist'], project.root);
    expectCleanFailure(result, expected);
    expect(readdirSync(project.out, { recursive: true }).sort()).toEqual(['manifests', join('manifests', 'previous-output.yaml')]);
    expect(readFileSync(project.sentinel, 'utf8')).toBe('kind: Previous\n');
  });

  it('a missing environment file', () => {
    const project = scratchProject();
    const result = runSynth(['--values', 'values', '--out', 'preview', '--env', MISSING_ENV], project.root);
    // A mistake in the command-line argument, named as such (with the usage line).
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `synth: --env ${MISSING_ENV}: no values/${MISSING_ENV}.yaml (environments: dev, production, staging)`,
      expect.stringMatching(/^usage: npm run synth -- /),
    ]);
    expect(result.status).toBe(1);
    expect(readdirSync(project.root).sort()).toEqual(['dist', 'values']);
  });

  // Tests run as root, for whom a file is never "permission denied": the other kinds are tested.
  const notRegular: Array<[string, (file: string) => void]> = [
    ['a FIFO', (file) => expect(spawnSync('mkfifo', [file]).status).toBe(0)],
    ['a directory', (file) => mkdirSync(file)],
    ['a character device', (file) => symlinkSync('/dev/null', file)],
  ];
  it.each(notRegular)('an environment file that is %s: refused with that reason, without blocking', (kind, make) => {
    const project = scratchProject();
    rmSync(join(project.values, 'staging.yaml'));
    make(join(project.values, 'staging.yaml'));
    const result = runSynth(['--values', 'values', '--out', 'dist'], project.root, { timeout: 60_000 });
    expect(result.signal).toBeNull(); // not killed by the timeout: nothing blocked on the FIFO
    expectCleanFailure(result, [new RegExp(`^values/staging\\.yaml: not a regular file \\(${kind}\\)$`)]);
    expect(readdirSync(project.out, { recursive: true }).sort()).toEqual(['manifests', join('manifests', 'previous-output.yaml')]);
  });

  it('a missing base file', () => {
    const project = scratchProject();
    rmSync(base(project.values));
    const result = runSynth(['--values', 'values', '--out', 'dist'], project.root);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^values\/base\.yaml: file not found$/m);
    expect(readdirSync(project.out, { recursive: true }).sort()).toEqual(['manifests', join('manifests', 'previous-output.yaml')]);
  });
});
