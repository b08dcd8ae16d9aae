/**
 * Bad values get one clear message per problem (file, line, YAML path, what was expected), exit code 1,
 * no stack trace, and the output directory untouched. One case per class of mistake.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
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

const prod = (values: string) => join(values, 'production.yaml');
const base = (values: string) => join(values, 'base.yaml');

const cases: Case[] = [
  {
    name: 'unknown key',
    breakValues: (v) => edit(base(v), (t) => t.replace('  replicaCount: 1\n', '  replicaCount: 1\n  replicas: 2\n')),
    expected: [/^values\/base\.yaml:\d+:3: defaults\.replicas: unknown key \(expected one of: .*replicaCount.*\)$/],
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
    name: 'requests above limits',
    breakValues: (v) => edit(prod(v), (t) => t.replace('requests: { cpu: 500m, memory: 512Mi }', 'requests: { cpu: "3", memory: 512Mi }')),
    expected: [/^values\/production\.yaml:\d+:\d+: defaults\.resources\.requests\.cpu: expected at most the limit \(2\), got 3$/],
  },
  {
    name: 'invalid DNS name',
    breakValues: (v) => edit(prod(v), (t) => t.replace('- host: api.example.com', '- host: API_example.com')),
    expected: [/^values\/production\.yaml:\d+:\d+: applications\.api\.ingress\.hosts\[0\]\.host: expected a DNS name: .*, got "API_example\.com"$/],
  },
  {
    name: 'TLS host not among the ingress hosts',
    breakValues: (v) => edit(prod(v), (t) => t.replace('hosts: [api.example.com]', 'hosts: [www.example.com]')),
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
    expected: [/^values\/base\.yaml:\d+:3: YAML syntax error: Map keys must be unique$/],
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
];

function expectCleanFailure(result: { status: number; stderr: string }, expected: RegExp[]) {
  const lines = result.stderr.trim().split('\n');
  const problems = lines.slice(0, -1);
  expect(result.status).toBe(1);
  expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  expect(lines.at(-1)).toMatch(/^synth: \d+ problem\(s\) in the values; .* was not changed$/);
  for (const pattern of expected) expect(problems.some((line) => pattern.test(line)), `${pattern} in\n${result.stderr}`).toBe(true);
  expect(problems).toHaveLength(expected.length);
}

describe('bad values', () => {
  it.each(cases)('$name', ({ breakValues, expected }) => {
    const project = scratchProject();
    breakValues(project.values);
    const result = runSynth(['--values', 'values', '--out', 'dist'], project.root);
    expectCleanFailure(result, expected);
    expect(readdirSync(project.out)).toEqual(['previous-output.yaml']);
    expect(readFileSync(project.sentinel, 'utf8')).toBe('kind: Previous\n');
  });

  it('a missing environment file', () => {
    const project = scratchProject();
    const result = runSynth(['--values', 'values', '--out', 'dist', '--env', MISSING_ENV], project.root);
    expectCleanFailure(result, [new RegExp(`^.*values/${MISSING_ENV}\\.yaml: environment file not found \\(environments with a file: dev, production, staging\\)$`)]);
    expect(readdirSync(project.out)).toEqual(['previous-output.yaml']);
  });

  it('a missing base file', () => {
    const project = scratchProject();
    rmSync(base(project.values));
    const result = runSynth(['--values', 'values', '--out', 'dist'], project.root);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^values\/base\.yaml: file not found$/m);
    expect(readdirSync(project.out)).toEqual(['previous-output.yaml']);
  });
});
