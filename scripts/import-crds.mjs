// Generates the cdk8s classes of the custom resources the charts write, into imports/ (committed):
// `npm run import:crds`. Offline and re-runnable: the same inputs give the same files.
//
// The CRDs are listed where cdk8s users list them: cdk8s.yaml `imports:`, one entry per API group,
// `<group>:=imports/crds/<group>.yaml`. Each such file holds that group's CustomResourceDefinitions
// (committed: plain `cdk8s import` reads them as they are). For each CRD, the script reads the kind, the
// plural and the version from the file, fills in the JSON schema of that version from the shared schema
// folder (../shared/kubernetes-json-schema/crds/<group>/<kind in lower case>_<version>.json, the layout
// kubeconform reads; no network), writes the file back, and runs the real `cdk8s import` (cdk8s-cli, a
// devDependency) on it, which turns the group's CRDs into imports/<group>.ts: classes extending cdk8s
// ApiObject with a static GVK and a props interface, as for any `cdk8s import`.
// Then imports/json-names.ts is written: the cdk8s property names that differ from the Kubernetes
// JSON names (`hostPid` for `hostPID`), read from the serializers of cdk8s-plus-27's k8s module and of
// the generated modules; lib/template/typed.ts maps manifest keys back to the JSON names with it.
//
// To add a CRD (Argo Rollouts, Gateway API, External Secrets, Velero, Argo CD, Flux, ...):
// 1. check that its schema exists in the shared folder, e.g. crds/argoproj.io/rollout_v1alpha1.json;
// 2. add its CustomResourceDefinition to imports/crds/<group>.yaml, the schema left out:
//    {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"rollouts.argoproj.io"},
//     "spec":{"group":"argoproj.io","names":{"kind":"Rollout","plural":"rollouts"},"versions":[{"name":"v1alpha1"}]}}
//    (a new group: a new file, and its line `<group>:=imports/crds/<group>.yaml` under `imports:` in cdk8s.yaml);
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
import { parse, parseAllDocuments } from 'yaml';
import { commandLineOrExit } from '../lib/cli/command-line.cjs';

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

/**
 * The CRDs to import, from cdk8s.yaml `imports:` (`<group>:=imports/crds/<group>.yaml`), each file's
 * CustomResourceDefinitions read for their group, kind, plural and version: [{ module, file, crds }].
 */
function listedImports() {
  const config = parse(readFileSync(join(root, 'cdk8s.yaml'), 'utf8')) ?? {};
  return (config.imports ?? []).map((entry) => {
    const match = /^([a-z0-9.-]+):=(imports\/crds\/[a-z0-9.-]+\.yaml)$/.exec(String(entry));
    if (!match) fail(`cdk8s.yaml imports: expected <group>:=imports/crds/<group>.yaml, got ${JSON.stringify(entry)}`);
    const [, module, file] = match;
    if (!existsSync(join(root, file))) fail(`cdk8s.yaml imports ${file}, which is missing: add the group's CustomResourceDefinitions there (see this script's header)`);
    const crds = parseAllDocuments(readFileSync(join(root, file), 'utf8')).map((document) => {
      const crd = document.toJS();
      const group = crd?.spec?.group;
      const kind = crd?.spec?.names?.kind;
      const plural = crd?.spec?.names?.plural;
      const version = crd?.spec?.versions?.[0]?.name;
      if (![group, kind, plural, version].every((v) => typeof v === 'string')) fail(`${file}: each document needs spec.group, spec.names.kind, spec.names.plural and spec.versions[0].name`);
      if (group !== module) fail(`${file}: ${kind} is in group ${group}, not ${module}`);
      return { group, version, kind, plural };
    });
    return { module, file, crds };
  });
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
const listed = listedImports();
try {
  for (const { module, file, crds } of listed) {
    // JSON documents are YAML documents: one file per group, so that the group is one module.
    const text = `${crds.map((crd) => JSON.stringify(crdDocument(crd))).join('\n---\n')}\n`;
    files.set(relative(out, join(root, file)), text);
    const source = join(work, `${module}.yaml`);
    writeFileSync(source, text);
    execFileSync(process.execPath, [cdk8sCli, 'import', source, '--language', 'typescript', '--output', join(work, 'out'), '--no-save', '--no-check-upgrade'], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const generated = join(work, 'out', `${module}.ts`);
    if (!existsSync(generated)) fail(`cdk8s import wrote no ${module}.ts (it wrote: ${readdirSync(join(work, 'out')).join(', ')})`);
    files.set(`${module}.ts`, readFileSync(generated, 'utf8'));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// imports/json-names.ts. cdk8s serializers write `'<json name>': ...obj.<property>...`; where they differ,
// the manifest must be written with the JSON name. A property name that is also a JSON name of its
// own elsewhere (`schema`) cannot be renamed everywhere: such names are listed, not mapped.
// ---------------------------------------------------------------------------------------------
const serializers = [readFileSync(require.resolve('cdk8s-plus-27/lib/imports/k8s.js'), 'utf8'), ...[...files].filter(([name]) => name.endsWith('.ts')).map(([, text]) => text)];
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
  console.log(`import-crds: wrote imports/${[...files.keys()].join(', imports/')} (${listed.flatMap(({ crds }) => crds.map((crd) => crd.kind)).join(', ')}; ${entries.length} JSON names)`);
}
