// Generates the cdk8s classes of the custom resources the charts write, into imports/ (committed):
// `npm run import:crds`. Offline and re-runnable: the same inputs give the same files.
//
// For each CRD below, the JSON schema of its version is read from the shared schema folder
// (../shared/kubernetes-json-schema/crds/<group>/<kind in lower case>_<version>.json, the layout
// kubeconform reads; no network), wrapped in a minimal CustomResourceDefinition document, and the real
// `cdk8s import` (cdk8s-cli, a devDependency) turns each group's CRDs into imports/<group>.ts: classes
// extending cdk8s ApiObject with a static GVK and a props interface, as for any `cdk8s import`.
// Then imports/json-names.ts is written: the cdk8s property names that differ from the Kubernetes
// JSON names (`hostPid` for `hostPID`), read from the serializers of cdk8s-plus-27's k8s module and of
// the generated modules; lib/template/typed.ts maps manifest keys back to the JSON names with it.
//
// To add a CRD (Argo Rollouts, Gateway API, External Secrets, Velero, Argo CD, Flux, ...):
// 1. check that its schema exists in the shared folder, e.g. crds/argoproj.io/rollout_v1alpha1.json;
// 2. add { group, version, kind, plural } to CRDS below (plural: the resource name, lower case);
// 3. run `npm run import:crds` and commit imports/ (a new group gives a new imports/<group>.ts);
// 4. declare objects with the class: `import { Rollout } from '../../imports/argoproj.io'`, then
//    `new TemplatedObject(this, 'Rollout', { type: Rollout, template: ..., manifest: { ... } })`.
// Class names are the kinds; a kind imported in a second version gets the version as a suffix.
//
// `node scripts/import-crds.mjs --check` writes nothing: it exits 1 when imports/ differs from what
// it would write (test/types/imports.test.ts runs it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLineOrExit } from '../lib/cli/command-line.cjs';

const CRDS = [
  { group: 'monitoring.coreos.com', version: 'v1', kind: 'ServiceMonitor', plural: 'servicemonitors' },
  { group: 'monitoring.coreos.com', version: 'v1', kind: 'PrometheusRule', plural: 'prometheusrules' },
  { group: 'cert-manager.io', version: 'v1', kind: 'Certificate', plural: 'certificates' },
  // Issue 14: secrets from External Secrets and Sealed Secrets, ACME issuers, Velero backups.
  { group: 'external-secrets.io', version: 'v1', kind: 'ExternalSecret', plural: 'externalsecrets' },
  { group: 'bitnami.com', version: 'v1alpha1', kind: 'SealedSecret', plural: 'sealedsecrets' },
  { group: 'cert-manager.io', version: 'v1', kind: 'ClusterIssuer', plural: 'clusterissuers' },
  { group: 'velero.io', version: 'v1', kind: 'Schedule', plural: 'schedules' },
  // GitOps delivery (lib/gitops/): Argo CD and Flux objects written beside the manifests.
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', plural: 'applications' },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'AppProject', plural: 'appprojects' },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository', plural: 'gitrepositories' },
  { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', plural: 'kustomizations' },
  { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'HTTPRoute', plural: 'httproutes' },
  { group: 'gateway.networking.k8s.io', version: 'v1', kind: 'Gateway', plural: 'gateways' },
  { group: 'gateway.envoyproxy.io', version: 'v1alpha1', kind: 'BackendTrafficPolicy', plural: 'backendtrafficpolicies' },
  { group: 'gateway.envoyproxy.io', version: 'v1alpha1', kind: 'SecurityPolicy', plural: 'securitypolicies' },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout', plural: 'rollouts' },
  { group: 'argoproj.io', version: 'v1alpha1', kind: 'AnalysisTemplate', plural: 'analysistemplates' },
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemas = join(root, '..', 'shared', 'kubernetes-json-schema', 'crds');
const out = join(root, 'imports');
const { values: options } = commandLineOrExit(
  {
    name: 'import:crds',
    invocation: 'npm run import:crds --',
    summary: 'Regenerates imports/ (cdk8s classes of the custom resources) with cdk8s import, offline, from ../shared/kubernetes-json-schema/crds.',
    options: { check: { type: 'boolean', description: 'write nothing: exit 1 when imports/ differs from what would be written' } },
  },
  process.argv.slice(2),
);
const check = options.check === true;
const require = createRequire(import.meta.url);
const cdk8sCli = join(dirname(require.resolve('cdk8s-cli/package.json')), 'bin', 'cdk8s');

function fail(message) {
  console.error(`import-crds: ${message}`);
  process.exit(1);
}

/** A minimal CustomResourceDefinition holding one version's schema: all `cdk8s import` reads. */
function crdDocument({ group, version, kind, plural }) {
  const file = join(schemas, group, `${kind.toLowerCase()}_${version}.json`);
  if (!existsSync(file)) fail(`no schema for ${kind} ${group}/${version}: ${relative(root, file)} is missing`);
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
}

/** What the script writes, by file name in imports/. */
const files = new Map();
const work = mkdtempSync(join(tmpdir(), 'import-crds-'));
try {
  const groups = [...new Set(CRDS.map((crd) => crd.group))].sort();
  for (const group of groups) {
    // JSON documents are YAML documents: one file per group, so that the group is one module.
    const documents = CRDS.filter((crd) => crd.group === group).map((crd) => JSON.stringify(crdDocument(crd)));
    const source = join(work, `${group}.yaml`);
    writeFileSync(source, `${documents.join('\n---\n')}\n`);
    execFileSync(process.execPath, [cdk8sCli, 'import', source, '--language', 'typescript', '--output', join(work, 'out'), '--no-save', '--no-check-upgrade'], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const generated = join(work, 'out', `${group}.ts`);
    if (!existsSync(generated)) fail(`cdk8s import wrote no ${group}.ts (it wrote: ${readdirSync(join(work, 'out')).join(', ')})`);
    files.set(`${group}.ts`, readFileSync(generated, 'utf8'));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// imports/json-names.ts. cdk8s serializers write `'<json name>': ...obj.<property>...`; where they differ,
// the manifest must be written with the JSON name. A property name that is also a JSON name of its
// own elsewhere (`schema`) cannot be renamed everywhere: such names are listed, not mapped.
// ---------------------------------------------------------------------------------------------
const serializers = [readFileSync(require.resolve('cdk8s-plus-27/lib/imports/k8s.js'), 'utf8'), ...files.values()];
const renamed = new Map(); // property -> Set of JSON names
const kept = new Set(); // properties serialized under their own name
for (const text of serializers) {
  // e.g. `'hostPID': obj.hostPid,` or `'schema': toJson_CustomResourceValidation(obj.schema),`
  for (const [, json, property] of text.matchAll(/^\s*'([^']+)': [^\n]*?\bobj\.([A-Za-z0-9_]+)/gm)) {
    if (json === property) kept.add(property);
    else renamed.set(property, (renamed.get(property) ?? new Set()).add(json));
  }
}
const ambiguous = [...renamed]
  .filter(([property, names]) => names.size > 1 || kept.has(property))
  .map(([property]) => property)
  .sort();
const entries = [...renamed]
  .filter(([property]) => !ambiguous.includes(property))
  .map(([property, names]) => [property, [...names][0]])
  .sort(([a], [b]) => (a < b ? -1 : 1));
files.set(
  'json-names.ts',
  `// Generated by scripts/import-crds.mjs (npm run import:crds); do not edit.
/**
 * cdk8s property names that differ from the Kubernetes JSON names, from the serializers of
 * cdk8s-plus-27's k8s module and of the modules in imports/: property -> JSON name.
 * Not mapped, being a JSON name of their own elsewhere too: ${ambiguous.join(', ') || '(none)'}.
 */
export interface JsonNames {
${entries.map(([property, json]) => `  readonly ${property}: ${JSON.stringify(json).replace(/"/g, "'")};`).join('\n')}
}
`,
);

if (check) {
  const stale = [...files].filter(([name, content]) => !existsSync(join(out, name)) || readFileSync(join(out, name), 'utf8') !== content).map(([name]) => name);
  if (stale.length > 0) fail(`imports/ is not what the CRDs give: ${stale.join(', ')} (run npm run import:crds)`);
  console.log(`import-crds: imports/ is up to date (${[...files.keys()].join(', ')})`);
} else {
  for (const [name, content] of files) writeFileSync(join(out, name), content);
  console.log(`import-crds: wrote imports/${[...files.keys()].join(', imports/')} (${CRDS.map((crd) => crd.kind).join(', ')}; ${entries.length} JSON names)`);
}
