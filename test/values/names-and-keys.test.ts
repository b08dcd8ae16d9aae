/**
 * Keys, names and text in values are validated as Kubernetes validates them, in synth (here) and by
 * every chart's values.schema.json (test/helm/rejections.test.ts): map keys (env names, label and
 * annotation keys), label values, text without control characters, keys the chart sets itself,
 * application and environment names, and the namespace `<app>-<env>`.
 */
import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MonitoringValuesSchema } from '../../lib/monitoring/values-schema';
import { AppValuesSchema } from '../../lib/values/schema';
import { patterns } from '../../lib/values/schema-primitives';
import { edit, runSynth, scratchProject } from '../support/synth-cli';

interface Case {
  readonly name: string;
  readonly breakValues: (values: string) => void;
  /** Every problem line expected on stderr, exactly. */
  readonly expected: readonly (string | RegExp)[];
}

/** Adds YAML lines under `defaults:` of an overlay. */
const underDefaults = (file: string, lines: string) => (values: string) => edit(join(values, file), (t) => t.replace(/^defaults:\n/m, `defaults:\n${lines}\n`));
const CONTROL = 'text without control characters (U+0000 to U+001F but tab and line breaks, U+007F to U+009F, U+FEFF, U+FFFE, U+FFFF)';

const cases: Case[] = [
  {
    name: 'an env name that is not one (issue input)',
    breakValues: underDefaults('dev.yaml', '  env: {"1-bad key": {nested: [1, 2]}}'),
    expected: [
      /^values\/dev\.yaml:\d+:\d+: defaults\.env\.1-bad key: invalid key: expected an environment variable name, got "1-bad key"$/,
      /^values\/dev\.yaml:\d+:\d+: defaults\.env\.1-bad key: expected a string, got \{"nested":\[1,2\]\}$/,
    ],
  },
  {
    name: 'a DEL character in an annotation (issue input)',
    breakValues: underDefaults('dev.yaml', '  podAnnotations: {note: "a\\u007fb"}'),
    expected: [new RegExp(`^values/dev\\.yaml:\\d+:\\d+: defaults\\.podAnnotations\\.note: expected ${CONTROL.replace(/[()+]/g, '\\$&')}, got "a\u007fb"$`)],
  },
  {
    name: 'a label key with a space, and one whose name is 64 characters',
    breakValues: underDefaults('dev.yaml', `  podLabels: {"team name": x, "example.com/${'a'.repeat(64)}": v}`),
    expected: [
      /^values\/dev\.yaml:\d+:\d+: defaults\.podLabels\.team name: invalid key: expected a label or annotation key: .*, got "team name"$/,
      /^values\/dev\.yaml:\d+:\d+: defaults\.podLabels\.example\.com\/a{64}: invalid key: expected a label or annotation key: .*$/,
    ],
  },
  {
    name: 'an annotation key whose prefix is longer than 253 characters',
    breakValues: underDefaults('dev.yaml', `  podAnnotations: {"${'a'.repeat(254)}/x": v}`),
    expected: [/^values\/dev\.yaml:\d+:\d+: defaults\.podAnnotations\.a{254}\/x: invalid key: "a{254}\/x" has a prefix \(before "\/"\) of more than 253 characters$/],
  },
  {
    name: 'a label value that is not one',
    breakValues: underDefaults('dev.yaml', '  podLabels: {team: "-payments-"}'),
    expected: [/^values\/dev\.yaml:\d+:\d+: defaults\.podLabels\.team: expected a label value .*, got "-payments-"$/],
  },
  {
    name: 'a network that is not one, and a selector that would select every namespace',
    // Every shipped application has dependencies of its own (lists replace the defaults'): one of them gets these.
    breakValues: (v) =>
      edit(join(v, 'dev.yaml'), (t) => `${t}applications:\n  api:\n    networkPolicy: { dependencies: [{ name: a, port: 1, cidr: 999.999.0.0/99 }, { name: b, port: 2, namespaceLabels: {} }] }\n`),
    expected: [
      /^values\/dev\.yaml:\d+:\d+: applications\.api\.networkPolicy\.dependencies\[0\]\.cidr: expected a network in CIDR notation such as 10\.0\.0\.0\/8, got "999\.999\.0\.0\/99"$/,
      /^values\/dev\.yaml:\d+:\d+: applications\.api\.networkPolicy\.dependencies\[1\]\.namespaceLabels: expected at least 1 entry \(an empty selector matches everything\)$/,
    ],
  },
  {
    name: 'the latest tag for the helm test image',
    breakValues: underDefaults('dev.yaml', '  helmTest: { image: "busybox:latest" }'),
    expected: [/^values\/dev\.yaml:\d+:\d+: defaults\.helmTest\.image: "busybox:latest" is not allowed here \(pin an exact version, never "latest"\)$/],
  },
  {
    name: 'pod labels the chart sets itself (they would break the selector)',
    breakValues: underDefaults('dev.yaml', '  podLabels: {app.kubernetes.io/name: other}'),
    expected: [
      /^values\/dev\.yaml:\d+:\d+: defaults\.podLabels\.app\.kubernetes\.io\/name: invalid key: "app\.kubernetes\.io\/name" is set by the chart itself \(app\.kubernetes\.io\/component, .*helm\.sh\/chart\); choose another key$/,
    ],
  },
  {
    name: 'an env name the chart sets itself',
    breakValues: underDefaults('dev.yaml', '  env: {LOG_LEVEL: trace}'),
    expected: [/^values\/dev\.yaml:\d+:\d+: defaults\.env\.LOG_LEVEL: invalid key: "LOG_LEVEL" is set by the chart itself \(APP_ENVIRONMENT, LOG_LEVEL, .*\); choose another key$/],
  },
  {
    name: 'a pod annotation the chart sets itself',
    breakValues: underDefaults('dev.yaml', '  podAnnotations: {checksum/config: x}'),
    expected: [/^values\/dev\.yaml:\d+:\d+: defaults\.podAnnotations\.checksum\/config: invalid key: "checksum\/config" is set by the chart itself \(checksum\/config, checksum\/secrets\); choose another key$/],
  },
  {
    name: 'an application called monitoring, and one called constructor',
    breakValues: (v) =>
      edit(join(v, 'base.yaml'), (t) =>
        t.replace(/^applications:\n/m, 'applications:\n  monitoring: {component: x, image: {repository: a/b, tag: "1"}}\n  constructor: {component: x, image: {repository: a/b, tag: "1"}}\n'),
      ),
    expected: [
      /^values\/base\.yaml:\d+:3: applications\.monitoring: invalid key: "monitoring" is a name the platform uses itself \(monitoring: the monitoring chart, dist\/helm\/monitoring; .*; constructor, prototype: JavaScript\); choose another$/,
      // A key JavaScript treats specially, refused as such in any values map (lib/values/values-shape.ts).
      /^values\/base\.yaml:\d+:3: applications\.constructor: the key "constructor" is one JavaScript objects treat specially \(a property of every object\), which synth could not keep as Helm does; rename it$/,
    ],
  },
  {
    name: 'an application called __proto__',
    breakValues: (v) => edit(join(v, 'base.yaml'), (t) => t.replace(/^applications:\n/m, 'applications:\n  __proto__: {component: x, image: {repository: a/b, tag: "1"}}\n')),
    expected: [
      /^values\/base\.yaml:\d+:3: applications\.__proto__: the key "__proto__" is one JavaScript objects treat specially \(a property of every object\), which synth could not keep as Helm does; rename it$/,
    ],
  },
  {
    name: 'a namespace <app>-<env> longer than 63 characters',
    breakValues: (v) => renameSync(join(v, 'staging.yaml'), join(v, `staging-${'x'.repeat(50)}.yaml`)),
    expected: [
      /^values\/base\.yaml:\d+:\d+: applications\.worker: the namespace "worker-staging-x{50}" would be 65 characters; Kubernetes allows 63: shorten the application or environment name$/,
      /^values\/staging-x{50}\.yaml: the environment name "staging-x{50}" \(from the file name\) is too long: /,
    ],
  },
  {
    name: 'an environment name that makes a GitOps object name longer than 63 characters (a label value), every namespace within 63',
    breakValues: (v) => renameSync(join(v, 'staging.yaml'), join(v, `staging-${'x'.repeat(40)}.yaml`)),
    expected: [
      /^values\/staging-x{40}\.yaml: the environment name "staging-x{40}" \(from the file name\) is too long: its GitOps object "platform-staging-x{40}-gitops" would be 64 characters, and that name is also its app\.kubernetes\.io\/name label value, which Kubernetes allows 63: at most 47 characters$/,
    ],
  },
  {
    name: 'a sidecar name and an extra volume name of 64 characters (DNS labels), a Secret name of 254 (a DNS subdomain)',
    breakValues: underDefaults(
      'dev.yaml',
      [
        '  extraVolumes:',
        `    - { name: ${'v'.repeat(64)}, emptyDir: {} }`,
        '  sidecars:',
        `    - name: ${'s'.repeat(64)}`,
        '      image: "envoyproxy/envoy:v1.33.2"',
        '      resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 50m, memory: 32Mi } }',
        '      probes: { liveness: { type: tcp, port: 9901 }, readiness: { type: tcp, port: 9901 } }',
        '  secretEnv:',
        `    - { name: TOKEN, secretName: ${'a'.repeat(254)}, key: token }`,
      ].join('\n'),
    ),
    expected: [
      /^values\/dev\.yaml:\d+:\d+: defaults\.extraVolumes\[0\]\.name: expected at most 63 characters, got "v{64}"$/,
      /^values\/dev\.yaml:\d+:\d+: defaults\.sidecars\[0\]\.name: expected at most 63 characters, got "s{64}"$/,
      /^values\/dev\.yaml:\d+:\d+: defaults\.secretEnv\[0\]\.secretName: expected at most 253 characters, got "a{254}"$/,
    ],
  },
  {
    name: 'an environment whose file name is not a DNS label',
    breakValues: (v) => renameSync(join(v, 'staging.yaml'), join(v, 'Staging_EU.yaml')),
    expected: [/^values\/Staging_EU\.yaml: the environment name "Staging_EU" \(from the file name\) must be a DNS label: .*$/],
  },
];

function problemLines(stderr: string): string[] {
  const lines = stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(/^synth: \d+ problem\(s\) in the values; .* was not changed$/);
  return lines.slice(0, -1);
}

describe('names and keys in values', () => {
  it('bounds every name in every values schema: a DNS label at most 63 characters, a DNS subdomain 253', () => {
    const unbounded: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      const limit = schema.pattern === patterns.dnsLabel ? 63 : schema.pattern === patterns.dnsSubdomain ? 253 : undefined;
      if (limit !== undefined && !(typeof schema.maxLength === 'number' && schema.maxLength <= limit)) unbounded.push(path);
      for (const [key, value] of Object.entries(schema)) walk(value, `${path}.${key}`);
    };
    walk(AppValuesSchema, 'app');
    walk(MonitoringValuesSchema, 'monitoring');
    expect(unbounded).toEqual([]);
  });

  it.each(cases)('$name', ({ breakValues, expected }) => {
    const project = scratchProject();
    breakValues(project.values);
    const result = runSynth(['--values', 'values', '--out', 'dist'], project.root);
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    const lines = problemLines(result.stderr);
    for (const pattern of expected)
      expect(
        lines.some((line) => (typeof pattern === 'string' ? line === pattern : pattern.test(line))),
        `${pattern} in\n${result.stderr}`,
      ).toBe(true);
    expect(lines, result.stderr).toHaveLength(expected.length);
    expect(readdirSync(project.out, { recursive: true }).sort()).toEqual(['manifests', join('manifests', 'previous-output.yaml')]);
    expect(readFileSync(project.sentinel, 'utf8')).toBe('kind: Previous\n');
  });
});
